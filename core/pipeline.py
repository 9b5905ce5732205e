"""The flow, end to end: intake → ingest → fuse → debate. One entry point each for CLI and dashboard."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core import audit
from core.agents import Brain, OfflineBrain
from core.audit import Action
from core.auth import ANONYMOUS_LOCAL, Principal, require_principal
from core.bundle import LOG_NAME, Bundle, load_bundle
from core.case_review import is_demo_incident
from core.cases import CaseHit, similar_cases
from core.config import Settings
from core.debate import Debate, iterate_sync
from core.errors import ConfigError, IngestError, TribunalError
from core.fusion import FusedContext, fuse_incident
from core.graph import build_graph, mirror_to_neo4j
from core.indexing import index_incident
from core.ingest.code import (
    GitRepo,
    InAppRules,
    OwnershipRule,
    clone_repo,
    find_codeowners,
    mark_app_frames,
    parse_codeowners,
)
from core.ingest.design import ingest_design_file
from core.ingest.logs import AUTO, check_log_format, ingest_log_file
from core.ingest.runtime import ingest_metrics_file, ingest_slow_sql_file, ingest_trace_file
from core.schema import (
    Asset,
    DebateEvent,
    ExceptionRecord,
    Incident,
    IncidentDraft,
    Judgment,
    JudgmentReady,
)
from core.store import Store

__all__ = [
    "AnalysisResult",
    "Progress",
    "analyze_bundle",
    "ensure_demo_bundle",
    "exception_groups",
    "exception_samples",
    "find_demo_incident",
    "fuse",
    "ingest_bundle",
    "ingest_uploads",
    "iterate_sync",
    "log_timeline",
    "make_brain",
    "open_incident",
    "run_debate",
    "start_debate",
]

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
_RUNTIME_INGEST = {"metrics": ingest_metrics_file, "trace": ingest_trace_file, "slow_sql": ingest_slow_sql_file}


def _noop(message: str, fraction: float) -> None:
    log.debug("%3.0f%% %s", fraction * 100, message)


def open_incident(store: Store, draft: IncidentDraft, *, actor: Principal = ANONYMOUS_LOCAL) -> Incident:
    """Write the incident row before anything else runs; every later step hangs off its id.

    Raises:
        Forbidden: `actor` is below analyst.
    """
    require_principal(actor, "analyst", "open an incident", audit_to=store)
    incident = store.create_incident(draft)
    audit.record(store, actor=actor.name, action=Action.INCIDENT_CREATED, incident_id=incident.id,
                 detail={"title": incident.title, "severity": incident.severity, "service": incident.service})
    return incident


def _audit_assets(store: Store, actor: Principal, incident_id: str, assets: list[Asset], source: str) -> None:
    audit.record(store, actor=actor.name, action=Action.ASSET_UPLOADED, incident_id=incident_id, detail={
        "source": source, "assets": [f"{a.kind}:{a.name}" for a in assets],
        "failed": [a.name for a in assets if a.status == "error"]})


def _ingest_repo(store: Store, settings: Settings, incident: Incident, bundle: Bundle) -> GitRepo | None:
    path = bundle.repo
    if path is None and bundle.repo_url:
        path = clone_repo(bundle.repo_url, settings.work_dir / "repos", allowed_hosts=settings.clone_hosts)
    if path is None:
        return None
    repo = GitRepo(path)
    count = store.replace_commits(incident.id, repo.commits())
    with store.transaction() as cur:
        store.add_asset(cur, incident.id, "repo", path.name, location=str(repo.path), items=count,
                        message=f"{count} commits, {len(repo.tags())} tags")
    return repo


def _ingest_ownership(store: Store, incident: Incident, sources: list[tuple[Path, str]]) -> None:
    rules: list[OwnershipRule] = []
    for path, name in sources:
        try:
            found = parse_codeowners(path.read_text(encoding="utf-8", errors="replace"), name)
        except IngestError as exc:
            store.record_failed_asset(incident.id, "codeowners", name, str(exc))
            continue
        rules += found
        with store.transaction() as cur:
            store.add_asset(cur, incident.id, "codeowners", name, location=str(path), items=len(found),
                            size_bytes=path.stat().st_size, message=f"{len(found)} ownership rules")
    if rules:
        store.replace_ownership(incident.id, [(r.pattern, r.team, r.source) for r in rules])


def _ingest_log(store: Store, incident: Incident, path: Path, name: str, progress: Progress, *,
                log_format: str = AUTO) -> Asset:
    """Parse a log into its entries, exceptions and templates (mined during the same streaming pass).

    A `log_format` that is unknown or fits none of the file's first lines fails this asset only.
    """
    try:
        result = ingest_log_file(store, incident, path, display_name=name, progress=progress, log_format=log_format)
    except IngestError as exc:
        return store.record_failed_asset(incident.id, "log", name, str(exc), size_bytes=path.stat().st_size)
    return result.asset


def _ingest_runtime(store: Store, incident: Incident, kind: str, path: Path, name: str) -> Asset:
    try:
        return _RUNTIME_INGEST[kind](store, incident, path, display_name=name)
    except IngestError as exc:
        return store.record_failed_asset(incident.id, kind, name, str(exc), size_bytes=path.stat().st_size)


def _ingest_design_upload(store: Store, incident: Incident, path: Path, name: str) -> Asset:
    try:
        doc = ingest_design_file(store, incident.id, path, source=name)
    except IngestError as exc:
        return store.record_failed_asset(incident.id, "design_doc", name, str(exc), size_bytes=path.stat().st_size)
    kind = {"openapi": "openapi", "ddl": "ddl"}.get(doc.kind, "design_doc")
    with store.transaction() as cur:
        return store.add_asset(cur, incident.id, kind, name, location=str(path), items=doc.items,
                               size_bytes=path.stat().st_size, message=f"{doc.kind}: {doc.items} items")


def _upload_kind(name: str) -> str | None:
    """Guess an uploaded file's kind from its name (a bundle says it by folder instead)."""
    lower = name.lower()
    if lower.endswith((".md", ".markdown")) or re.search(r"openapi|swagger", lower) or (re.search(
            r"schema|ddl", lower) and lower.endswith(".sql")):
        return "design"
    if re.search(r"slow|\.sql\.log$|postgres.*\.(log|csv)$", lower):
        return "slow_sql"
    if re.search(r"trace|span|jaeger|zipkin|otlp", lower) and lower.endswith((".json", ".json.gz", ".jsonl")):
        return "trace"
    if re.search(r"metric|prom|actuator|micrometer|jvm", lower) or lower.endswith((".prom", ".csv")):
        return "metrics"
    return "log" if LOG_NAME.search(lower) else None


def _build_graph(store: Store, settings: Settings, incident: Incident, progress: Progress) -> str:
    """Build the incident's asset graph in DuckDB, and mirror it to Neo4j when one is configured."""
    progress("Building the asset graph", 0.9)
    graph = build_graph(store, incident.id)
    nodes, edges = graph.counts()
    message = f"graph: {sum(nodes.values())} nodes, {sum(edges.values())} edges in DuckDB"
    if settings.neo4j_uri:
        message += "; " + mirror_to_neo4j(settings, store, incident.id).message
    log.info("incident %s: %s", incident.id, message)
    return message


def ingest_bundle(
    store: Store, settings: Settings, incident: Incident, bundle: Bundle, progress: Progress | None = None, *,
    log_format: str = AUTO, actor: Principal = ANONYMOUS_LOCAL,
) -> list[Asset]:
    """Ingest every asset of a bundle. A bad file is recorded with its error; the others still land.

    Args:
        log_format: the format of every log (one of `log_formats()`); "auto" leaves it to incident.yaml's
            `log_format`, else to detection.

    Raises:
        Forbidden: `actor` is below analyst (nothing is read then).
    """
    require_principal(actor, "analyst", "upload assets", audit_to=store, incident_id=incident.id)
    progress = progress or _noop
    for name, reason in bundle.skipped:  # links in the bundle: reported, never followed
        store.record_failed_asset(incident.id, "other", name, reason)
    progress("Reading the Git repository", 0.05)
    try:
        repo = _ingest_repo(store, settings, incident, bundle)
    except IngestError as exc:
        store.record_failed_asset(incident.id, "repo", str(bundle.repo or bundle.repo_url), str(exc))
        repo = None
    _ingest_ownership(store, incident, find_codeowners(repo.path if repo else None, bundle.design))
    progress("Indexing the code and the design documents", 0.1)
    index_incident(store, settings, incident, bundle, repo)
    for i, path in enumerate(bundle.logs):
        progress(f"Parsing {path.name}", 0.15 + 0.6 * i / max(len(bundle.logs), 1))
        _ingest_log(store, incident, path, str(path.relative_to(bundle.root)), progress,
                    log_format=bundle.log_format_for(path, log_format))
    if bundle.in_app:
        store.set_in_app_rules(incident.id, bundle.in_app.include, bundle.in_app.exclude)
    mark_app_frames(store, incident, repo)
    runtime = [("metrics", p) for p in bundle.metrics] + [("trace", p) for p in bundle.traces] + [
        ("slow_sql", p) for p in bundle.sql]
    for i, (kind, path) in enumerate(runtime):
        progress(f"Parsing {path.name}", 0.75 + 0.1 * i / max(len(runtime), 1))
        _ingest_runtime(store, incident, kind, path, str(path.relative_to(bundle.root)))
    store.redact_incident(incident.id, keep_map=settings.keep_secret_map)  # secrets never stay at rest
    _build_graph(store, settings, incident, progress)
    store.set_incident_status(incident.id, "ingested")
    progress("Ingested", 1.0)
    assets = store.list_assets(incident.id)
    _audit_assets(store, actor, incident.id, assets, f"bundle:{bundle.root.name}")
    return assets


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^\w.\-]+", "_", Path(name.replace("\\", "/")).name).strip("._")
    return cleaned or "upload"


def ingest_uploads(
    store: Store, settings: Settings, incident: Incident, files: list[tuple[str, bytes]],
    progress: Progress | None = None, *, log_format: str = AUTO, actor: Principal = ANONYMOUS_LOCAL,
) -> list[Asset]:
    """Add uploaded or pasted files to an incident; each is kept under the data directory first.

    Args:
        log_format: the format of every log among the files (one of `log_formats()`); "auto" detects each.

    Raises:
        IngestError: no file was given.
        Forbidden: `actor` is below analyst (nothing is kept then).
    """
    require_principal(actor, "analyst", "upload assets", audit_to=store, incident_id=incident.id)
    if not files:
        raise IngestError("Nothing to add: paste a log or choose at least one file.")
    progress = progress or _noop
    folder = settings.work_dir / incident.id / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    added = []
    for i, (name, data) in enumerate(files):
        target = folder / _safe_name(name)
        if target.exists():
            target = folder / f"{target.stem}-{i}{target.suffix}"
        target.write_bytes(data)
        progress(f"Parsing {name}", i / len(files))
        if target.name == "CODEOWNERS":
            _ingest_ownership(store, incident, [(target, f"upload:{target.name}")])
            continue
        kind = _upload_kind(target.name)
        if kind is None:
            added.append(store.record_failed_asset(
                incident.id, "other", name, "Unknown kind of file: name logs *.log/*.jsonl, metrics *metrics*.csv or "
                "*.prom, traces *trace*.json, slow SQL *slow*.log — or upload a whole bundle.", size_bytes=len(data)))
            continue
        if not data.strip():
            added.append(store.record_failed_asset(incident.id, kind, name, f"{name} is empty; nothing to ingest."))
            continue
        if kind == "log":
            added.append(_ingest_log(store, incident, target, name, progress, log_format=log_format))
        elif kind == "design":
            added.append(_ingest_design_upload(store, incident, target, name))
        else:
            added.append(_ingest_runtime(store, incident, kind, target, name))
    mark_app_frames(store, incident, _incident_repo(store, incident.id))
    store.redact_incident(incident.id, keep_map=settings.keep_secret_map)  # secrets never stay at rest
    _build_graph(store, settings, incident, progress)
    store.set_incident_status(incident.id, "ingested")
    _audit_assets(store, actor, incident.id, added, "upload")
    return added


def _incident_repo(store: Store, incident_id: str) -> GitRepo | None:
    repo_path = store.asset_location(incident_id, kind="repo")
    return GitRepo(Path(repo_path)) if repo_path else None


def set_in_app_rules(store: Store, incident_id: str, include: list[str], exclude: list[str], *,
                     actor: Principal = ANONYMOUS_LOCAL) -> None:
    """Save the user's in-app package prefixes and re-decide every frame with them (fuse again afterwards).

    Raises:
        IngestError: a prefix is not a package name.
        Forbidden: `actor` is below analyst.
    """
    require_principal(actor, "analyst", "change an incident's in-app packages", audit_to=store,
                      incident_id=incident_id)
    try:
        rules = InAppRules.from_config({"include": include, "exclude": exclude})
    except ValueError as exc:
        raise IngestError(str(exc)) from exc
    store.set_in_app_rules(incident_id, rules.include, rules.exclude)
    audit.record(store, actor=actor.name, action=Action.SETTING_CHANGED, incident_id=incident_id,
                 detail={"setting": "in_app", "include": rules.include, "exclude": rules.exclude})
    mark_app_frames(store, store.get_incident(incident_id), _incident_repo(store, incident_id))


def fuse(store: Store, settings: Settings, incident_id: str, *, actor: Principal = ANONYMOUS_LOCAL) -> FusedContext:
    """Correlate the incident's assets into evidence and key findings, and store them together.

    Raises:
        Forbidden: `actor` is below analyst.
    """
    require_principal(actor, "analyst", "fuse an incident's evidence", audit_to=store, incident_id=incident_id)
    incident = store.get_incident(incident_id)
    repo = _incident_repo(store, incident_id)
    rules = [OwnershipRule(pattern=p, team=t, source=s) for p, t, s in store.list_ownership(incident_id)]
    context = fuse_incident(store, incident, repo, rules)
    context.similar_cases = _similar_cases(settings, context)
    store.save_fusion(incident_id, context.model_dump_json(), context.evidence)
    return context


def _similar_cases(settings: Settings, context: FusedContext) -> list[CaseHit]:
    """Past incidents with similar symptoms: hypotheses for the debate to re-check, never evidence."""
    top = context.top_group
    if top is None:
        return []
    frame = top.frames[0] if top.frames else None
    symptoms = " ".join(filter(None, [
        context.incident.title, context.incident.description, top.exc_type, top.root_type, top.root_message,
        frame.symbol if frame else None, context.bounded_context,
        *(f"{a.metric} {a.direction}" for a in (context.runtime.anomalies if context.runtime else [])),
    ]))
    try:
        return similar_cases(settings, symptoms, 3, exclude=context.incident.id)
    except TribunalError as exc:
        log.warning("incident %s: case library unavailable: %s", context.incident.id, exc)
        return []


def make_brain(settings: Settings, brain: str, pace_s: float = 0.0, store: Store | None = None) -> Brain:
    """The brain to debate with (a new one per debate: the LLM brain holds the debate's budgets).

    Args:
        store: lets LLM agents whose route supports function calling use the read-only incident tools.

    Raises:
        ConfigError: an unknown brain, or the LLM brain without a usable configuration.
    """
    if brain == "offline":
        return OfflineBrain(pace_s=pace_s)
    if brain == "llm":
        if settings.llm_problem:
            raise ConfigError(settings.llm_problem)
        if settings.llm_routing is None:
            raise ConfigError(
                f"No LLM key configured: set {settings.llm.api_key_env} (and LLM_BASE_URL, LLM_MODEL, or a routing "
                "file in TRIBUNAL_MODELS) in the environment or .streamlit/secrets.toml, or use the offline brain."
            )
        from core.llm import (  # here, not at the top: autogen takes seconds to import
            IncidentTools,
            LLMBrain,
        )

        return LLMBrain(settings.llm_routing, tools=IncidentTools(store) if store is not None else None)
    raise ConfigError(f"Unknown brain {brain!r}; use 'offline' or 'llm'.")


def find_demo_incident(store: Store, settings: Settings) -> Incident | None:
    """The newest incident already ingested and fused from the built-in demo bundle, if any.

    Loading the demo again reuses it, so History does not fill with copies of the same incident.
    """
    for incident in store.list_incidents():  # newest first
        if (incident.status in ("ingested", "debating", "judged") and is_demo_incident(store, settings, incident.id)
                and store.load_fusion(incident.id)):
            return incident
    return None


def start_debate(
    store: Store, settings: Settings, incident_id: str, brain: str = "offline", *, pace_s: float = 0.0,
    language: str | None = None, debate_id: str | None = None, actor: Principal = ANONYMOUS_LOCAL,
) -> Debate:
    """A debate ready to run (or to resume, with `debate_id`); the caller iterates its events.

    Raises:
        Forbidden: `actor` is below analyst (nothing is written then).
    """
    require_principal(actor, "analyst", "resume a debate" if debate_id else "start a debate", audit_to=store,
                      incident_id=incident_id)
    store.get_incident(incident_id)  # an unknown incident fails here, before a debate row is written
    # A ruling joins the case library only when a person confirms it (`confirm_ruling`), never by finishing.
    debate = Debate(store, incident_id, make_brain(settings, brain, pace_s, store), max_rounds=settings.max_rounds,
                    language=language, debate_id=debate_id, actor=actor)
    audit.record(store, actor=actor.name, action=Action.DEBATE_RESUMED if debate_id else Action.DEBATE_STARTED,
                 incident_id=incident_id, detail={"debate_id": debate.debate_id, "brain": brain,
                                                  "max_rounds": settings.max_rounds})
    return debate


def run_debate(
    store: Store, settings: Settings, incident_id: str, brain: str = "offline", pace_s: float = 0.0,
    language: str | None = None, *, actor: Principal = ANONYMOUS_LOCAL,
) -> Iterator[DebateEvent]:
    """Run a debate synchronously, yielding its events as they happen (each stored before it is yielded)."""
    debate = start_debate(store, settings, incident_id, brain, pace_s=pace_s, language=language, actor=actor)
    yield from iterate_sync(debate.events())


@dataclass
class AnalysisResult:
    incident: Incident
    debate_id: str
    judgment: Judgment | None
    error: str | None = None


def analyze_bundle(
    store: Store, settings: Settings, bundle_dir: Path, brain: str = "offline", progress: Progress | None = None, *,
    log_format: str = AUTO, allow_local_repo: bool = False, actor: Principal = ANONYMOUS_LOCAL,
) -> AnalysisResult:
    """The whole pipeline, headless: load the bundle, open the incident, ingest, fuse, debate, rule.

    Args:
        log_format: the format of every log of the bundle; "auto" leaves it to incident.yaml, else to detection.
        allow_local_repo: let incident.yaml's `repo:` name a local repository outside the bundle.

    Raises:
        BundleError: the bundle is malformed (nothing is written then).
        ConfigError: the brain cannot be used.
        IngestError: `log_format` is not one of `log_formats()` (nothing is written then).
    """
    progress = progress or _noop
    check_log_format(log_format)
    bundle = load_bundle(bundle_dir, allow_local_repo=allow_local_repo)
    make_brain(settings, brain)  # fail before writing anything if the brain is unusable
    incident = open_incident(store, bundle.draft, actor=actor)
    progress(f"Incident {incident.id} opened", 0.0)
    ingest_bundle(store, settings, incident, bundle, progress, log_format=log_format, actor=actor)
    progress("Fusing evidence", 0.85)
    fuse(store, settings, incident.id, actor=actor)
    judgment, debate_id, error = None, "", None
    for event in run_debate(store, settings, incident.id, brain, actor=actor):
        debate_id = event.debate_id
        if event.type == "turn_finished":
            progress(f"{event.turn.agent} (round {event.turn.round}): {event.turn.summary}", 0.9)
        elif isinstance(event, JudgmentReady):
            judgment = event.judgment
        elif event.type == "error":
            error = event.message
    return AnalysisResult(incident=store.get_incident(incident.id), debate_id=debate_id, judgment=judgment, error=error)


def ensure_demo_bundle(settings: Settings, force: bool = False) -> Path:
    """Build the demo incident bundle (with its Git repository) under the data directory, once.

    Raises:
        TribunalError: the demo builder is missing or failed.
    """
    try:  # imported here, not at module level: only the demo needs the builder, an installation may lack it
        from data.demo_builder import build_demo_bundle
    except ImportError as exc:
        raise TribunalError(f"The demo builder (data/demo_builder) is missing from this installation: {exc}") from exc
    target = settings.home / "demo" / "bundle"
    try:
        return Path(build_demo_bundle(target, force=force))
    except (OSError, ValueError) as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise TribunalError(f"Building the demo bundle failed: {exc}") from exc


def exception_groups(store: Store, incident_id: str) -> pd.DataFrame:
    """Exception groups for the assets page (fingerprint, types, count, first/last seen, top frame)."""
    return store.exception_groups(incident_id)


def exception_samples(store: Store, incident_id: str) -> dict[str, ExceptionRecord]:
    """The first exception of each group, with its stack, keyed by fingerprint."""
    return {e.fingerprint: e for e in store.list_exceptions(incident_id, one_per_group=True)}


def log_timeline(store: Store, incident_id: str) -> pd.DataFrame:
    """Log entries per minute and level, for the error-rate chart."""
    return store.log_timeline(incident_id)
