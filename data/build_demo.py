"""Build the demo incident bundle: `python data/build_demo.py OUT_DIR [--force] [--answer-key PATH]`.

Importable too: `build_demo_bundle(out_dir, force=False) -> Path`. Only the standard library,
GitPython and PyYAML are needed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __package__:  # imported as data.build_demo
    from .demo_builder import DEMO_DIR, PLAN_PATH, answer_key, build_demo_bundle
else:  # run as a script, or loaded by file path
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from demo_builder import DEMO_DIR, PLAN_PATH, answer_key, build_demo_bundle

__all__ = ["answer_key", "build_demo_bundle", "main", "write_answer_key"]

DEFAULT_ANSWER_KEY = DEMO_DIR / "answer_key.json"


def write_answer_key(bundle_dir: Path, path: Path = DEFAULT_ANSWER_KEY) -> dict:
    """Derive the answer key from a built bundle and write it as JSON; returns it."""
    key = answer_key(bundle_dir, PLAN_PATH)
    path.write_text(json.dumps(key, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the SRE Tribunal demo incident bundle.")
    parser.add_argument("out_dir", type=Path, help="folder to create (incident.yaml, runtime/, repo/, design/)")
    parser.add_argument("--force", action="store_true", help="rebuild even when a complete bundle exists")
    parser.add_argument("--answer-key", type=Path, nargs="?", const=DEFAULT_ANSWER_KEY, default=None,
                        metavar="PATH", help=f"also write the answer key (default {DEFAULT_ANSWER_KEY})")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        bundle = build_demo_bundle(args.out_dir, force=args.force)
        if args.answer_key:
            write_answer_key(bundle, args.answer_key)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"demo bundle ready at {bundle} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
