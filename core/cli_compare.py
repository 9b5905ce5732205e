"""The `compare` command of `python -m core`: one incident judged by a single agent, an expert vote and the debate,
under one or several model routings, headless."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from core.config import load_settings
from core.errors import BundleError

__all__ = ["add_compare_parser", "run_compare"]

_MODES = ("single", "vote", "debate")  # core.compare.MODES, without importing the pipeline to build the parser


def add_compare_parser(sub: argparse._SubParsersAction, log_formats: Sequence[str]) -> None:
    """Add `compare` to the CLI's subcommands (`log_formats`: the choices of --log-format)."""
    compare = sub.add_parser(
        "compare", help="judge a bundle three ways (single agent, expert vote, debate), per model routing",
        description="Ingest a bundle once, then judge it by one agent alone, by a vote of the three experts and by the "
        "full debate, all under the same evidence check. With --routes, once per routing file (e.g. all glm-5 vs "
        "mixed models), side by side: verdicts, confidence, tokens, time, fallbacks. Nothing is stored as the "
        "incident's debate.")
    compare.add_argument("bundle", type=Path, metavar="BUNDLE_DIR")
    compare.add_argument("--routes", type=Path, nargs="+", metavar="ROUTING.yaml",
                         help="model routing files (the TRIBUNAL_MODELS format) to compare; each runs the LLM brain")
    compare.add_argument("--brain", choices=("offline", "llm"), default="offline",
                         help="without --routes: the brain to compare the modes with (default offline)")
    compare.add_argument("--modes", nargs="+", choices=_MODES, default=list(_MODES), help="which modes to run")
    compare.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    compare.add_argument("--log-format", choices=log_formats, default="auto", metavar="FORMAT",
                         help="the format of every log in the bundle (default auto)")
    compare.add_argument("--allow-local-repo", action="store_true",
                         help="let incident.yaml's repo: name a Git repository on this machine outside the bundle")


def _progress(message: str, fraction: float) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def run_compare(args: argparse.Namespace) -> int:
    """Ingest the bundle, run the comparison, print it. Raises the project's errors (the CLI maps them)."""
    from core.bundle import load_bundle
    from core.compare_routes import (
        compare_routings,
        comparison_payload,
        comparison_text,
        routing_settings,
    )
    from core.pipeline import (
        check_log_format,
        fuse,
        ingest_bundle,
        make_brain,
        open_incident,
    )
    from core.store import Store

    bundle_dir: Path = args.bundle
    if not bundle_dir.is_dir():
        raise BundleError(f"{bundle_dir} is not a folder; give the path of a bundle folder (see the README).")
    settings = load_settings()
    for path in args.routes or ():  # a broken routing file fails before anything is ingested
        routing_settings(path)
    if not args.routes:
        make_brain(settings, args.brain)
    check_log_format(args.log_format)
    bundle = load_bundle(bundle_dir, allow_local_repo=args.allow_local_repo)
    store = Store(settings.db_path, memory_limit=settings.duckdb_memory)
    try:
        incident = open_incident(store, bundle.draft)
        _progress(f"Incident {incident.id} opened", 0.0)
        ingest_bundle(store, settings, incident, bundle, _progress, log_format=args.log_format)
        _progress("Fusing evidence", 0.5)
        fuse(store, settings, incident.id)
        result = compare_routings(store, settings, incident.id, routes=args.routes or (), brain=args.brain,
                                  modes=tuple(args.modes), progress=_progress)
    finally:
        store.close()
    if args.json:
        print(json.dumps(comparison_payload(result), ensure_ascii=False, indent=2))
    else:
        print(comparison_text(result))
    return 0
