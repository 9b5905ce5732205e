"""Command line: `python -m core …` runs the pipeline headless. Progress on stderr, results on stdout."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core.auth import cli_principal
from core.cli_compare import add_compare_parser, run_compare
from core.cli_report import add_report_parsers, run_report
from core.cli_users import add_users_parser, run_users
from core.config import load_settings
from core.errors import (
    AuthError,
    BundleError,
    ConfigError,
    IngestError,
    ReportError,
    ResumeError,
    ReviewError,
    StoreLockedError,
    TribunalError,
)
from core.ingest.logs import log_formats

if TYPE_CHECKING:  # the CLI imports the pipeline only when a command needs it (start-up stays fast)
    from core.pipeline import AnalysisResult
    from core.store import Store

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2
_BAD_INPUT = (BundleError, IngestError, ConfigError, StoreLockedError, ResumeError, AuthError, ReportError, ReviewError)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m core",
        description="SRE Tribunal, headless: analyse incident bundles with a debate of six agents.",
        epilog="Exit codes: 0 success, 2 bad input (reason on stderr), 1 internal error. "
        "The data directory is $TRIBUNAL_HOME (default: .tribunal/ in the working copy).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every step to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = sub.add_parser("analyze", help="analyse an incident bundle folder end to end",
                             description="Ingest a bundle, fuse its evidence, run the debate and print the ruling.")
    analyze.add_argument("bundle", type=Path, metavar="BUNDLE_DIR",
                         help="folder with incident.yaml, runtime/, repo/, design/")
    _analysis_options(analyze)

    demo = sub.add_parser("demo", help="build the demo incident bundle if needed and analyse it",
                          description="Build the shipped demo incident (a Git repo and its runtime assets) and "
                                      "analyse it.")
    _analysis_options(demo)

    resume = sub.add_parser(
        "resume", help="continue an incident from where it stopped (ingest, fusion or debate)",
        description="Continue an incident killed or failed part way: a finished step is never run again. An "
        "interrupted ingest is redone from the bundle (--bundle), a missing fusion is run, an unfinished debate "
        "continues with its stored turns; a ruled debate is only printed.")
    resume.add_argument("incident_id", metavar="INCIDENT_ID", help="e.g. INC-20261120-3fa2c1 (see the History page)")
    resume.add_argument("--bundle", type=Path, metavar="BUNDLE_DIR",
                        help="the incident's bundle folder, needed when it stopped while its files were read")
    _analysis_options(resume)

    index = sub.add_parser("index", help="index a bundle's repository and design documents (no debate)",
                           description="Build the symbol index, design links and the asset graph of a bundle.")
    index.add_argument("bundle", type=Path, metavar="BUNDLE_DIR")
    index.add_argument("--json", action="store_true", help="print node/edge counts and the class symbols as JSON")

    add_users_parser(sub)
    add_report_parsers(sub)
    add_compare_parser(sub, log_formats())

    logs = sub.add_parser("logs", help="log tools", description="Tools over log files.")
    logs_sub = logs.add_subparsers(dest="logs_command", required=True, metavar="TOOL")
    templates = logs_sub.add_parser(
        "templates", help="mine templates of a log file into a CSV (LineId, EventId, EventTemplate)",
        description="Mine a template for every line of LOG_FILE and write LineId (1-based), EventId, EventTemplate.")
    templates.add_argument("log_file", type=Path, metavar="LOG_FILE")
    templates.add_argument("--out", type=Path, required=True, metavar="OUT.csv")
    return parser


def _analysis_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--brain", choices=("offline", "llm"), default="offline",
                        help="offline: deterministic reasoning (default); llm: OpenAI-compatible models")
    parser.add_argument("--log-format", choices=log_formats(), default="auto", metavar="FORMAT",
                        help="the format of every log in the bundle, one of: %(choices)s. auto (default) takes "
                        "incident.yaml's log_format if it has one, else detects each log's format from its first "
                        "lines. A log whose first 200 lines the chosen format does not fit is reported as not "
                        "ingested; the other assets still are.")
    parser.add_argument("--json", action="store_true", help="print one JSON object with the ruling to stdout")
    parser.add_argument("--allow-local-repo", action="store_true",
                        help="let incident.yaml's repo: name a Git repository on this machine outside the bundle "
                        "(off by default: a bundle reads nothing outside its folder)")


def _progress(message: str, fraction: float) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _analyze(bundle: Path | None, brain: str, as_json: bool, log_format: str, allow_local_repo: bool = False) -> int:
    from core.pipeline import analyze_bundle, ensure_demo_bundle
    from core.store import Store

    settings = load_settings()
    if bundle is None:
        _progress("Building the demo bundle (first run only)", 0.0)
        bundle = ensure_demo_bundle(settings)
    if not bundle.is_dir():
        raise BundleError(f"{bundle} is not a folder; give the path of a bundle folder (see the README).")
    store = Store(settings.db_path, memory_limit=settings.duckdb_memory)
    try:
        result = analyze_bundle(store, settings, bundle, brain, _progress, log_format=log_format,
                                allow_local_repo=allow_local_repo, actor=cli_principal())
        return _print_result(store, result, as_json)
    finally:
        store.close()


def _print_result(store: Store, result: AnalysisResult, as_json: bool) -> int:
    from core.report import build_report, cli_payload, render_markdown

    for asset in store.list_assets(result.incident.id):
        if asset.status == "error":
            print(f"warning: {asset.name} was not ingested: {asset.message}", file=sys.stderr)
    if result.error or result.judgment is None:
        print(f"error: the debate failed: {result.error or 'no ruling'}", file=sys.stderr)
        return EXIT_INTERNAL
    debate = store.get_debate(result.debate_id)
    if as_json:
        payload = cli_payload(result.incident.id, debate, result.judgment, store.list_turns(result.debate_id),
                              store.redaction_counts(result.incident.id))
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(render_markdown(build_report(store, result.debate_id), result.incident.language))
    return EXIT_OK


def _resume(incident_id: str, bundle: Path | None, brain: str, as_json: bool, log_format: str,
            allow_local_repo: bool) -> int:
    from core.resume import resume_incident
    from core.store import Store

    settings = load_settings()
    store = Store(settings.db_path, memory_limit=settings.duckdb_memory)
    try:
        result = resume_incident(store, settings, incident_id, brain, _progress, bundle_dir=bundle,
                                 log_format=log_format, allow_local_repo=allow_local_repo, actor=cli_principal())
        return _print_result(store, result, as_json)
    finally:
        store.close()


def _index(bundle: Path, as_json: bool) -> int:
    from core.indexing import index_bundle
    from core.store import Store

    if not bundle.is_dir():
        raise BundleError(f"{bundle} is not a folder; give the path of a bundle folder (see the README).")
    settings = load_settings()
    store = Store(settings.db_path, memory_limit=settings.duckdb_memory)
    try:
        _progress(f"Indexing {bundle}", 0.0)
        result = index_bundle(store, settings, bundle)
    finally:
        store.close()
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"{sum(result['nodes'].values())} nodes, {sum(result['edges'].values())} edges, "
              f"{len(result['symbols'])} classes")
        for kind, count in sorted(result["nodes"].items()):
            print(f"  {kind:<18} {count}")
    return EXIT_OK


def _templates(log_file: Path, out: Path) -> int:
    from core.ingest.logs.templates import write_loghub_csv

    if not log_file.is_file():
        raise IngestError(f"{log_file} does not exist.")
    rows = write_loghub_csv(log_file, out)
    print(f"{rows} lines → {out}", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    # autogen logs every (already redacted) prompt in full at INFO; that is noise even with -v.
    logging.getLogger("autogen_core.events").setLevel(logging.WARNING)
    try:
        if args.command == "analyze":
            return _analyze(args.bundle, args.brain, args.json, args.log_format, args.allow_local_repo)
        if args.command == "demo":
            return _analyze(None, args.brain, args.json, args.log_format)
        if args.command == "resume":
            return _resume(args.incident_id, args.bundle, args.brain, args.json, args.log_format, args.allow_local_repo)
        if args.command == "users":
            return run_users(args)
        if args.command in ("report", "review"):
            return run_report(args)  # type: ignore[return-value]
        if args.command == "compare":
            return run_compare(args)
        if args.command == "index":
            return _index(args.bundle, args.json)
        if args.command == "logs" and args.logs_command == "templates":
            return _templates(args.log_file, args.out)
    except _BAD_INPUT as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except TribunalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # the CLI's last line of defence: one line, exit 1
        logging.getLogger(__name__).info("internal error", exc_info=True)
        print(f"internal error: {type(exc).__name__}: {exc} (re-run with -v for details)", file=sys.stderr)
        return EXIT_INTERNAL
    return EXIT_INTERNAL
