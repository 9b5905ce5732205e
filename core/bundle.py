"""Incident bundles: the folder format users prepare by hand, and safe extraction of uploaded archives."""

from __future__ import annotations

import io
import re
import shutil
import stat
import tarfile
import zipfile
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from core.errors import BundleError
from core.ingest.log_layouts import AUTO, log_formats
from core.schema import IncidentDraft

__all__ = ["LOG_NAME", "Bundle", "load_bundle", "parse_incident_yaml", "extract_archive", "MAX_ARCHIVE_BYTES", "MAX_ARCHIVE_FILES"]

MAX_ARCHIVE_BYTES = 2 * 1024**3
MAX_ARCHIVE_FILES = 50_000
# Log files by name: *.log, *.jsonl, *.txt, *.out, rotated (app.log.1) and the usual system names
# (syslog, messages, access_log, error_log), each also gzipped or zipped.
LOG_NAME = re.compile(
    r"(?:\.(?:log|jsonl|txt|out)|(?:^|[._-])(?:syslog|messages|access_log|error_log))(?:\.\d+)?(?:\.gz|\.zip)?$", re.IGNORECASE)


class Bundle(BaseModel):
    """A bundle on disk: the incident's description and the asset files found in it."""

    model_config = ConfigDict(frozen=True)

    root: Path
    draft: IncidentDraft
    logs: list[Path] = []
    metrics: list[Path] = []
    traces: list[Path] = []
    sql: list[Path] = []
    repo: Path | None = None
    repo_url: str | None = None
    design: list[Path] = []
    log_format: str = AUTO  # incident.yaml's one `log_format` for every log
    log_format_by_path: dict[str, str] = {}  # or its mapping: a log's path relative to root (POSIX) -> format

    def log_format_for(self, path: Path, chosen: str = AUTO) -> str:
        """The format to parse the log at `path` with.

        Args:
            path: one of `logs`.
            chosen: a format the user picked for this run (CLI or dashboard); anything but "auto" wins.

        Returns:
            `chosen` unless it is "auto"; else incident.yaml's value for this file, then its single value, then "auto".
        """
        if chosen and chosen != AUTO:
            return chosen
        return self.log_format_by_path.get(path.relative_to(self.root).as_posix(), self.log_format)


def _localized(value: Any, field: str) -> tuple[str, dict[str, str]]:
    """A field given as a string, or as a {zh: …, en: …} mapping."""
    if value is None:
        return "", {}
    if isinstance(value, str):
        return value.strip(), {}
    if isinstance(value, dict) and value and all(k in ("zh", "en") for k in value):
        texts = {k: str(v).strip() for k, v in value.items()}
        return "", texts
    raise BundleError(f"incident.yaml: '{field}' must be text or a mapping with zh/en keys.")


def parse_incident_yaml(text: str, where: str = "incident.yaml") -> tuple[IncidentDraft, str | None]:
    """Parse and validate incident.yaml.

    Args:
        text: the file's content.
        where: the name used in error messages.

    Returns:
        The incident draft and the optional ``repo`` value.

    Raises:
        BundleError: the YAML is malformed, a required field is missing or invalid, or `log_format` names
            an unknown format.
    """
    data = _yaml_mapping(text, where)
    _log_format_choice(data.get("log_format"), where)
    return _incident_draft(data, where)


def _yaml_mapping(text: str, where: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BundleError(f"{where} is not valid YAML: {exc}".splitlines()[0] + " — fix the syntax and retry.") from exc
    if not isinstance(data, dict):
        raise BundleError(f"{where} must be a mapping with title, severity, started_at and service.")
    return data


def _incident_draft(data: dict[str, Any], where: str) -> tuple[IncidentDraft, str | None]:
    missing = [k for k in ("title", "severity", "started_at", "service") if not data.get(k)]
    if missing:
        raise BundleError(f"{where} is missing required field(s): {', '.join(missing)}.")
    language = str(data.get("language") or "en")
    title, titles = _localized(data.get("title"), "title")
    description, descriptions = _localized(data.get("description"), "description")
    i18n: dict[str, dict[str, str]] = {}
    for lang in ("zh", "en"):
        entry = {k: v for k, v in (("title", titles.get(lang)), ("description", descriptions.get(lang))) if v}
        if entry:
            i18n[lang] = entry
    title = title or titles.get(language) or next(iter(titles.values()), "")
    description = description or descriptions.get(language) or next(iter(descriptions.values()), "")
    started = data["started_at"]
    if isinstance(started, date) and not isinstance(started, datetime):
        raise BundleError(f"{where}: started_at needs a time and a zone, e.g. 2026-11-20T14:05:00+08:00.")
    if isinstance(started, str):
        try:
            started = datetime.fromisoformat(started.strip())
        except ValueError as exc:
            raise BundleError(f"{where}: started_at {started!r} is not ISO 8601 (e.g. 2026-11-20T14:05:00+08:00).") from exc
    try:
        draft = IncidentDraft(
            title=title, severity=str(data["severity"]).lower(), started_at=started, service=str(data["service"]),  # type: ignore[arg-type]
            description=description, language=language, repo=data.get("repo"), i18n=i18n,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise BundleError(f"{where}: '{field}' is invalid: {first['msg']}.") from exc
    return draft, data.get("repo")


def _format_name(value: Any, where: str, what: str) -> str:
    if not isinstance(value, str) or value.strip().lower() not in log_formats():
        raise BundleError(f"{where}: {what} {value!r} is not a log format; use one of: {', '.join(log_formats())}.")
    return value.strip().lower()


def _log_format_choice(value: Any, where: str) -> tuple[str, dict[str, str]]:
    """incident.yaml's optional `log_format`: one name for every log, or a mapping from a log's path to a name."""
    if value is None:
        return AUTO, {}
    if isinstance(value, dict):
        return AUTO, {PurePosixPath(str(path).replace("\\", "/")).as_posix():
                      _format_name(name, where, f"log_format of {path}") for path, name in value.items()}
    if isinstance(value, str):
        return _format_name(value, where, "log_format"), {}
    raise BundleError(f"{where}: log_format must be a format name, or a mapping from a log's path in the bundle "
                      f"(e.g. runtime/app.log) to a format name.")


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()]


def load_bundle(root: Path) -> Bundle:
    """Read a bundle folder: validate incident.yaml and list the assets by kind.

    Raises:
        BundleError: no incident.yaml, or it is invalid.
    """
    root = Path(root)
    meta = root / "incident.yaml"
    if not meta.is_file():
        raise BundleError(f"{root} has no incident.yaml; see the bundle format in the README.")
    try:
        text = meta.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleError("incident.yaml is not UTF-8 text; save it as UTF-8.") from exc
    data = _yaml_mapping(text, "incident.yaml")
    draft, repo_value = _incident_draft(data, "incident.yaml")
    log_format, log_format_by_path = _log_format_choice(data.get("log_format"), "incident.yaml")
    runtime = root / "runtime"
    top_logs = [p for p in _files(runtime) if p.parent == runtime and LOG_NAME.search(p.name)]
    known = [p.relative_to(root).as_posix() for p in top_logs]
    # A path that names no log is most likely a typo; ignoring it would silently parse that log as "auto".
    stray = [path for path in log_format_by_path if path not in known]
    if stray:
        raise BundleError(f"incident.yaml: log_format names {', '.join(stray)}, which is not a log of this bundle; "
                          f"give paths relative to the bundle folder, one of: {', '.join(known) or '(no logs in runtime/)'}.")
    repo: Path | None = None
    repo_url: str | None = None
    if (root / "repo" / ".git").exists():
        repo = root / "repo"
    elif repo_value:
        if "://" in str(repo_value) or str(repo_value).startswith("git@"):
            repo_url = str(repo_value)
        else:
            candidate = (root / str(repo_value)).expanduser().resolve()
            if not (candidate / ".git").exists():
                raise BundleError(f"incident.yaml repo: {repo_value} is not a Git repository.")
            repo = candidate
    return Bundle(
        root=root,
        draft=draft,
        logs=top_logs,
        metrics=_files(runtime / "metrics"),
        traces=_files(runtime / "traces"),
        sql=_files(runtime / "sql"),
        repo=repo,
        repo_url=repo_url,
        design=_files(root / "design"),
        log_format=log_format,
        log_format_by_path=log_format_by_path,
    )


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise BundleError(f"The archive entry {name!r} points outside its folder; refusing to extract it.")
    return path


def extract_archive(
    data: bytes | Path,
    dest: Path,
    *,
    max_bytes: int = MAX_ARCHIVE_BYTES,
    max_files: int = MAX_ARCHIVE_FILES,
) -> Path:
    """Extract a zip or tar(.gz) bundle into `dest` safely and return the bundle root.

    Every entry is checked before anything is written: no absolute or ``..`` paths, no links,
    no devices, and total size and file count within limits. On any error `dest` is removed.

    Raises:
        BundleError: the archive is unreadable, unsafe, too large, or holds no incident.yaml.
    """
    raw = data.read_bytes() if isinstance(data, Path) else data
    if not raw:
        raise BundleError("The uploaded archive is empty; upload a .zip or .tar.gz of a bundle folder.")
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BundleError(f"{dest} already exists and is not empty.")
    try:
        if zipfile.is_zipfile(io.BytesIO(raw)):
            _extract_zip(raw, dest, max_bytes, max_files)
        else:
            _extract_tar(raw, dest, max_bytes, max_files)
    except BundleError:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    candidates = [dest] + [p for p in dest.iterdir() if p.is_dir()]
    for candidate in candidates:
        if (candidate / "incident.yaml").is_file():
            return candidate
    shutil.rmtree(dest, ignore_errors=True)
    raise BundleError("The archive has no incident.yaml at its top (or in its single top folder).")


def _check_totals(count: int, total: int, max_files: int, max_bytes: int) -> None:
    if count > max_files:
        raise BundleError(f"The archive holds more than {max_files:,} files; split it or remove what is not needed.")
    if total > max_bytes:
        raise BundleError(f"The archive unpacks to more than {max_bytes / 1024**3:.1f} GiB; trim the logs first.")


def _extract_zip(raw: bytes, dest: Path, max_bytes: int, max_files: int) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise BundleError(f"The zip file is damaged ({exc}); re-create it.") from exc
    total = 0
    for info in infos:
        _safe_member(info.filename)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise BundleError(f"The archive entry {info.filename!r} is a link; links are not accepted.")
        total += info.file_size
    _check_totals(len(infos), total, max_files, max_bytes)
    dest.mkdir(parents=True, exist_ok=True)
    try:
        for info in infos:
            target = dest / _safe_member(info.filename)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, target.open("wb") as out:
                shutil.copyfileobj(src, out, length=1 << 20)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BundleError(f"The zip file could not be extracted ({exc}); re-create it.") from exc


def _extract_tar(raw: bytes, dest: Path, max_bytes: int, max_files: int) -> None:
    try:
        archive = tarfile.open(fileobj=io.BytesIO(raw), mode="r:*")
        members = archive.getmembers()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BundleError("The upload is neither a zip nor a tar archive; upload a .zip or .tar.gz.") from exc
    total = 0
    for member in members:
        _safe_member(member.name)
        if member.issym() or member.islnk():
            raise BundleError(f"The archive entry {member.name!r} is a link; links are not accepted.")
        if not (member.isfile() or member.isdir()):
            raise BundleError(f"The archive entry {member.name!r} is not a regular file.")
        total += member.size
    _check_totals(len(members), total, max_files, max_bytes)
    dest.mkdir(parents=True, exist_ok=True)
    try:
        archive.extractall(dest, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise BundleError(f"The tar archive could not be extracted ({exc}).") from exc
