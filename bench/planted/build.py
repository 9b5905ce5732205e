"""Build the planted incident bundles:
python -m bench.planted.build [--set default|heldout] [--mirror-root DIR] [--out DIR] [--only ID...]"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "bench.planted"

from bench.planted import mall_cases, pc_cases, realworld_cases
from bench.planted.kit import write_key

ALL = [*pc_cases.CASES, *mall_cases.CASES]
# held out from the analysis engineers: a third codebase (gothinkster/spring-boot-realworld-example-app)
HELDOUT = [*realworld_cases.CASES]
SETS = {"default": ALL, "heldout": HELDOUT}


def prefix(fn) -> str:
    if fn in pc_cases.CASES:
        return "pc-"
    if fn in mall_cases.CASES:
        return "mall-"
    return "rw-"


def case_id(fn) -> str:
    return fn.__name__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=sorted(SETS), default="default",
                        help="default: petclinic + mall; heldout: the RealWorld (Conduit) cases")
    parser.add_argument("--mirror-root", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/planted-bundles"))
    parser.add_argument("--only", nargs="*", default=None, help="builder function names or case ids to build")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    built = []
    for fn in SETS[args.set]:
        cid = prefix(fn) + fn.__name__.replace("_", "-")
        if args.only and cid not in args.only and fn.__name__ not in args.only:
            continue
        staging = args.out / f".building-{fn.__name__}"
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        t0 = time.monotonic()
        case = fn(args.mirror_root, staging)
        if case.id != cid:
            raise RuntimeError(f"case id {case.id} does not follow its builder's name {cid}")
        final = args.out / case.id
        if final.exists():
            shutil.rmtree(final)
        staging.rename(final)
        write_key(case, args.out)
        built.append(case.id)
        print(f"{case.id:<28} {time.monotonic() - t0:5.1f}s  guilty={case.history.shas.get('guilty', '-')[:12]}")
    print(f"{len(built)} bundles in {args.out} ({time.monotonic() - started:.1f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
