"""Assemble the demo incident bundle in a temporary sibling folder and move it into place."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import yaml

from . import _timeline as tl
from ._app_log import write_access_log, write_app_log
from ._code_facts import call_sites
from ._ingress_log import write_ingress_log
from ._jvm_metrics import write_metrics
from ._otlp_traces import write_traces
from ._repo_history import build_repo
from ._slow_sql import write_slow_log
from ._traffic import simulate

__all__ = ["DEMO_DIR", "PLAN_PATH", "build_demo_bundle", "is_complete"]

log = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
PLAN_PATH = DEMO_DIR / "history.yaml"


def is_complete(bundle: Path) -> bool:
    """A bundle is usable once its incident.yaml and repository exist (they are written last)."""
    return (bundle / "incident.yaml").is_file() and (bundle / "repo" / ".git").is_dir()


def build_demo_bundle(out_dir: Path, force: bool = False) -> Path:
    """Build the demo incident bundle at `out_dir` and return its path.

    Idempotent: an existing complete bundle is kept unless `force`. The bundle is built in a
    temporary sibling folder and renamed into place, so a half-built bundle is never visible.

    Raises:
        ValueError: when the static inputs under data/demo/ disagree with each other.
        OSError: when `out_dir` cannot be written.
    """
    out_dir = Path(out_dir).resolve()
    if is_complete(out_dir) and not force:
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    try:
        _assemble(staging)
        if out_dir.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.rename(out_dir, retired / "bundle")
            os.rename(staging, out_dir)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            try:
                os.rename(staging, out_dir)
            except OSError:
                if not is_complete(out_dir):  # someone else finished first: theirs is as good as ours
                    raise
                shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("demo bundle written to %s", out_dir)
    return out_dir


def _assemble(root: Path) -> None:
    incident_text = (DEMO_DIR / "incident.yaml").read_text(encoding="utf-8")
    incident = yaml.safe_load(incident_text)
    if datetime.fromisoformat(incident["started_at"]) != tl.STARTED_AT:
        raise ValueError("data/demo/incident.yaml started_at disagrees with demo_builder/_timeline.py")

    facts = build_repo(root / "repo", PLAN_PATH, DEMO_DIR / "repo_template")
    try:
        releases = {tag: facts.by_tag(tag).sha for tag in (tl.VERSION_BEFORE, tl.VERSION_AFTER)}
        sites = {tag: call_sites(facts.repo, sha) for tag, sha in releases.items()}
        head_before = facts.last_before(tl.STARTED_AT)
        codeowners = facts.file_at(head_before.sha, ".github/CODEOWNERS")
        # Frames are printed from the deployed release; they must also hold at the last commit before
        # the incident, which is what an analysis will blame.
        at_head = call_sites(facts.repo, head_before.sha)
        if any(at_head[key] != site for key, site in sites[tl.VERSION_AFTER].items()):
            raise ValueError("call sites moved between the deployed release and the last commit before the incident")
    finally:
        facts.repo.close()

    sim = simulate()
    runtime = root / "runtime"
    for folder in (runtime / "metrics", runtime / "traces", runtime / "sql"):
        folder.mkdir(parents=True)
    _, stacks = write_app_log(runtime / "order-service.log", sim, sites)
    write_access_log(runtime / "order-service-json.jsonl", sim)
    write_ingress_log(runtime / "ingress-nginx-access.log", sim)
    write_traces(runtime / "traces" / "traces.json", sim, stacks)
    write_metrics(runtime / "metrics" / "jvm-metrics.csv", runtime / "metrics" / "prometheus.txt", sim)
    write_slow_log(runtime / "sql" / "mysql-slow.log", sim)

    shutil.copytree(DEMO_DIR / "design", root / "design")
    (root / "design" / "CODEOWNERS").write_text(codeowners, encoding="utf-8")
    # Written last: its presence (with repo/.git) marks the bundle complete.
    (root / "incident.yaml").write_text(incident_text, encoding="utf-8")
