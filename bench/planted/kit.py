"""What every planted case shares: authors, the bundle's files around the runtime, the answer key."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .gitrepo import Commit, History, clone, commit_all

EST = timezone(timedelta(hours=-5))
CST = timezone(timedelta(hours=8))


@dataclass
class Case:
    id: str
    codebase: str                 # petclinic | mall
    fault_type: str
    language: str                 # zh | en
    fault_in_stack: bool
    change_guilty: bool
    gold_files: list[str]
    gold_methods: list[str]
    description: str              # the answer, for the key (never written into the bundle)
    title: dict[str, str] | str
    severity: str
    started_at: datetime
    service: str
    incident_text: dict[str, str] | str
    history: History = field(default_factory=History)
    design: dict[str, str] = field(default_factory=dict)   # design/<name> -> text


def yaml_text(value: dict[str, str] | str, indent: str = "") -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    inner = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in value.items())
    return "{" + inner + "}"


def write_bundle_head(case: Case, out: Path) -> None:
    text = (f"title: {yaml_text(case.title)}\n"
            f"severity: {case.severity}\n"
            f"started_at: \"{case.started_at.isoformat()}\"\n"
            f"service: {case.service}\n"
            f"description: {yaml_text(case.incident_text)}\n"
            f"language: {case.language}\n"
            "repo: repo\n")
    (out / "incident.yaml").write_text(text, encoding="utf-8")
    for name, body in case.design.items():
        path = out / "design" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")


def build_repo(case: Case, mirror: Path, base: str, out: Path) -> None:
    clone(mirror, base, out / "repo")
    commit_all(out / "repo", case.history)


def write_key(case: Case, out_root: Path) -> None:
    guilty = case.history.shas.get("guilty") if case.change_guilty else None
    if case.change_guilty and not guilty:
        raise RuntimeError(f"{case.id}: a guilty case needs a commit keyed 'guilty'")
    key = {"case": case.id, "codebase": case.codebase, "fault_type": case.fault_type, "language": case.language,
           "fault_in_stack": case.fault_in_stack, "gold_files": case.gold_files, "gold_methods": case.gold_methods,
           "gold_commit": guilty, "change_guilty": case.change_guilty, "description": case.description,
           "started_at": case.started_at.isoformat(), "service": case.service,
           "release_tags": case.history.tags}
    (out_root / f"{case.id}.expected.json").write_text(
        json.dumps(key, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def when(day: datetime, hours: float) -> datetime:
    return day + timedelta(hours=hours)


def commits_sorted(commits: list[Commit]) -> list[Commit]:
    return sorted(commits, key=lambda c: c.when)
