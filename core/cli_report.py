"""The `report` and `review` commands of `python -m core`: hand out a post-mortem, sign a ruling off, headless."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.config import load_settings
from core.errors import ReportError, ReviewError

__all__ = ["add_report_parsers", "run_report"]


def add_report_parsers(sub: argparse._SubParsersAction) -> None:
    """Add `report` and `review` to the CLI's subcommands."""
    from core.report import FORMATS

    report = sub.add_parser(
        "report", help="write an incident's post-mortem as Markdown, HTML, PDF or JSON",
        description="Write the post-mortem of the incident's latest ruling: summary, timeline, impact with charts, "
        "root cause and evidence chain, hypotheses, debate per round, fix, rollback, follow-ups, review state. "
        "The export is recorded in the audit trail as the OS user.")
    report.add_argument("incident_id", metavar="INCIDENT_ID")
    report.add_argument("--format", choices=tuple(FORMATS), default="md", help="md (default), html, pdf or json")
    report.add_argument("--out", type=Path, metavar="FILE",
                        help="where to write it (stdout if omitted; a PDF needs --out)")
    report.add_argument("--lang", choices=("zh", "en"), help="the report's language (default: the incident's)")

    review = sub.add_parser(
        "review", help="show or decide the review state of an incident's latest ruling",
        description="Every ruling starts as a draft. Risk critical/high or a rollback recommendation needs an approver "
        "(--approve, --reject --reason, --send-back --note); others may be finalised (--finalize). Without a "
        "decision, prints the state. The CLI acts as the OS user with every role; decisions are audited.")
    review.add_argument("incident_id", metavar="INCIDENT_ID")
    decision = review.add_mutually_exclusive_group()
    decision.add_argument("--approve", dest="decision", action="store_const", const="approve", help="approve: final")
    decision.add_argument("--reject", dest="decision", action="store_const", const="reject",
                          help="reject (needs --reason)")
    decision.add_argument("--send-back", dest="decision", action="store_const", const="send_back",
                          help="send back to the debate (needs --note; the next debate starts with it)")
    decision.add_argument("--finalize", dest="decision", action="store_const", const="finalize",
                          help="finalise a ruling that needs no approver")
    review.add_argument("--reason", default="", help="why it is rejected")
    review.add_argument("--note", default="", help="what the debate should look at again")
    review.add_argument("--json", action="store_true", help='print {"state": …, …} to stdout')


def run_report(args: argparse.Namespace) -> int | None:
    """Run `report` or `review` if that is the command (None otherwise); 0 on success."""
    if args.command == "report":
        return _report(args.incident_id, args.format, args.out, args.lang)
    if args.command == "review":
        return _review(args.incident_id, args.decision, args.reason or args.note, args.json)
    return None


def _open_store():
    from core.store import Store

    settings = load_settings()
    return Store(settings.db_path, memory_limit=settings.duckdb_memory)


def _known(store, incident_id: str, error: type[Exception]) -> None:
    if not any(i.id == incident_id for i in store.list_incidents()):
        raise error(f"No incident {incident_id!r}; `python -m core --help` lists the commands, the History "
                    f"page the ids.")


def _report(incident_id: str, fmt: str, out: Path | None, lang: str | None) -> int:
    from core.audit import cli_actor
    from core.report import export_report, incident_report

    if fmt == "pdf" and out is None:
        raise ReportError("A PDF is binary: give --out FILE.")
    if out is not None and out.is_dir():
        raise ReportError(f"{out} is a folder; give a file name, e.g. {out / (incident_id + '.' + fmt)}.")
    store = _open_store()
    try:
        _known(store, incident_id, ReportError)
        report = incident_report(store, incident_id, lang)
        data = export_report(store, report, fmt, lang or report.incident.language, actor=cli_actor())
    finally:
        store.close()
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        return 0
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise ReportError(f"Cannot write {out}: {exc.strerror or exc}.") from exc
    print(f"{out}: {len(data):,} bytes ({fmt})", file=sys.stderr)
    return 0


def _review(incident_id: str, decision: str | None, text: str, as_json: bool) -> int:
    from core.auth import cli_principal
    from core.review import decide, latest_ruling, review_status

    store = _open_store()
    try:
        _known(store, incident_id, ReviewError)
        if decision is None:
            debate_id, judgment = latest_ruling(store, incident_id)
            status = review_status(store, debate_id, judgment)
        else:
            if decision in ("reject", "send_back") and not text.strip():
                raise ReviewError("--reject needs --reason TEXT, and --send-back needs --note TEXT.")
            status = decide(store, incident_id, cli_principal(), decision, text,  # type: ignore[arg-type]
                            settings=load_settings())
    finally:
        store.close()
    payload = json.loads(status.model_dump_json())
    if as_json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        who = f" — {status.decision} by {status.decided_by} at {status.decided_at:%Y-%m-%d %H:%M:%S %Z}" \
            if status.decided_by and status.decided_at else ""
        need = (" (needs an approver: " + ", ".join(status.why) + ")"
                if status.needs_approval and status.state == "draft" else "")
        print(f"{incident_id}: {status.state}{need}{who}")
    return 0
