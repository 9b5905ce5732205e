"""Incident bundles: the folder format users prepare by hand, and safe extraction of uploaded archives."""

from __future__ import annotations

import io
import re
import shutil
import stat
import tarfile
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from core.errors import BundleError
from core.ingest.code import InAppRules
from core.ingest.logs import AUTO, log_formats
from core.schema import IncidentDraft, started_at_problem

__all__ = [
    "LOG_NAME",
    "MAX_ARCHIVE_BYTES",
    "MAX_ARCHIVE_FILES",
    "MAX_YAML_BYTES",
    "MAX_YAML_NODES",
    "Bundle",
    "extract_archive",
    "load_bundle",
    "parse_incident_yaml",
]

MAX_ARCHIVE_BYTES = 2 * 1024**3
MAX_ARCHIVE_FILES = 50_000
# incident.yaml describes an incident in a few lines; past these bounds it is a mistake or an alias bomb.
MAX_YAML_BYTES = 256 * 1024
MAX_YAML_NODES = 20_000  # after expanding aliases
# Remote repositories may only be cloned over these schemes (file://, ext:: and the like read the server).
_REMOTE_SCHEMES = ("https://", "http://", "ssh://", "git://")
# Log files by name: *.log, *.jsonl, *.txt, *.out, rotated (app.log.1) and the usual system names
# (syslog, messages, access_log, error_log), each also gzipped or zipped.
LOG_NAME = re.compile(
    r"(?:\.(?:log|jsonl|txt|out)|(?:^|[._-])(?:syslog|messages|access_log|error_log))(?:\.\d+)?(?:\.gz|\.zip)?$",
    re.IGNORECASE)


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
    skipped: list[tuple[str, str]] = []  # (path in the bundle, why it was not read): links, mostly
    in_app: InAppRules = InAppRules()  # incident.yaml's `in_app: {include: [...], exclude: [...]}` package prefixes

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


def _expanded_nodes(node: yaml.Node, limit: int) -> int:
    """How many nodes the document has once every alias is expanded (stops counting past `limit`)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        if id(current) in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            children = [n for pair in current.value for n in pair]
        if done or not children:
            sizes[id(current)] = min(limit + 1, 1 + sum(sizes.get(id(c), 0) for c in children))
            continue
        stack.append((current, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(node)]


def _yaml_mapping(text: str, where: str) -> dict[str, Any]:
    if len(text) > MAX_YAML_BYTES:
        raise BundleError(f"{where} is larger than {MAX_YAML_BYTES // 1024} KB; it only needs a few lines "
                          "(title, severity, started_at, service) — keep logs and notes in their own files.")
    try:
        # Composing builds each anchored node once; counting the expanded size first stops an alias bomb
        # (a few hundred bytes that expand to billions of nodes) before anything is built from it.
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is not None and _expanded_nodes(root, MAX_YAML_NODES) > MAX_YAML_NODES:
            raise BundleError(f"{where} expands to more than {MAX_YAML_NODES:,} values (nested aliases '*name'); "
                              "write the values out instead of repeating aliases.")
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BundleError(f"{where} is not valid YAML: {exc}".splitlines()[0] + " — fix the syntax and retry.") from exc
    except RecursionError as exc:
        raise BundleError(f"{where} is nested too deeply to be an incident description; flatten it.") from exc
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
    started = _started_at(data["started_at"], where)
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


def _started_at(value: Any, where: str) -> datetime:
    """incident.yaml's started_at: ISO 8601 text with a zone (YAML may have read it as a datetime already)."""
    example = "e.g. 2026-11-20T14:05:00+08:00"
    if isinstance(value, datetime):
        started = value
    elif isinstance(value, date):
        raise BundleError(f"{where}: started_at needs a time and a zone, {example}.")
    elif isinstance(value, str):
        try:
            started = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise BundleError(f"{where}: started_at {value[:60]!r} is not ISO 8601 ({example}).") from exc
    else:
        # A number would be read as seconds since 1970 and silently put the incident in the wrong decade.
        kind = "true/false" if isinstance(value, bool) else "number" if isinstance(value,
                                                                                   int | float) else "list or mapping"
        raise BundleError(f"{where}: started_at must be a date and time in quotes with a zone ({example}), "
                          f"not a {kind} ({str(value)[:40]}).")
    if started.tzinfo is None:
        raise BundleError(f"{where}: started_at needs a time zone, {example} (or Z for UTC).")
    problem = started_at_problem(started)
    if problem:
        raise BundleError(f"{where}: {problem}")
    return started


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


_LINK_HELP = "links inside a bundle are not followed; copy the file itself into the bundle"


def _link_in(root: Path, path: Path) -> Path | None:
    """The first link on the way from `root` down to `path` (path included), or None."""
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def _files(root: Path, folder: Path, skipped: list[tuple[str, str]]) -> list[Path]:
    """Regular files under `folder`; links (to files or folders, anywhere on the way) are listed in `skipped`."""
    link = _link_in(root, folder)
    if link is not None:
        skipped.append((link.relative_to(root).as_posix(),
                        f"{link.relative_to(root).as_posix()} is a link: {_LINK_HELP}."))
        return []
    if not folder.is_dir():
        return []
    found = []
    # rglob does not descend into linked folders; the linked folders and files themselves are reported.
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            where = path.relative_to(root).as_posix()
            skipped.append((where, f"{where} is a link: {_LINK_HELP}."))
        elif path.is_file():
            found.append(path)
    return found


def _repo_location(root: Path, value: Any, allow_local_repo: bool) -> tuple[Path | None, str | None]:
    """incident.yaml's `repo:` as a folder inside the bundle, an allowed local path, or a remote URL."""
    text = str(value).strip()
    lower = text.lower()
    if lower.startswith(_REMOTE_SCHEMES) or re.match(r"^[\w.-]+@[\w.-]+:", text):
        return None, text
    if "://" in text or "::" in text:
        raise BundleError(f"incident.yaml repo: {text!r} uses a transport that is not allowed; give an "
                          f"https:// or ssh:// URL, or put the repository in the bundle's repo/ folder.")
    candidate = Path(text).expanduser()
    candidate = candidate if candidate.is_absolute() else root / candidate
    inside = candidate.resolve().is_relative_to(root.resolve()) and (
        not candidate.is_relative_to(root) or _link_in(root, candidate) is None)
    if not inside and not allow_local_repo:
        raise BundleError(f"incident.yaml repo: {text!r} is outside the bundle; put the repository in the bundle's "
                          "repo/ folder, give a remote URL, or (command line only) pass --allow-local-repo.")
    candidate = candidate.resolve()
    if not (candidate / ".git").exists():
        raise BundleError(f"incident.yaml repo: {text} is not a Git repository.")
    return candidate, None


def load_bundle(root: Path, *, allow_local_repo: bool = False) -> Bundle:
    """Read a bundle folder: validate incident.yaml and list the assets by kind.

    Nothing outside the folder is read: links inside it are skipped (and listed in `skipped`), and
    incident.yaml's `repo:` may name a path outside the bundle only when `allow_local_repo` is set.

    Args:
        root: the bundle folder.
        allow_local_repo: let `repo:` name a local repository outside the bundle (a command-line choice;
            never for uploads, whose incident.yaml comes from someone else).

    Raises:
        BundleError: no incident.yaml, or it is invalid, too large, or a link; or `repo:` is not allowed.
    """
    root = Path(root)
    meta = root / "incident.yaml"
    if meta.is_symlink():
        raise BundleError(f"incident.yaml is a link: {_LINK_HELP}.")
    if not meta.is_file():
        raise BundleError(f"{root} has no incident.yaml; see the bundle format in the README.")
    if meta.stat().st_size > MAX_YAML_BYTES:
        raise BundleError(f"incident.yaml is larger than {MAX_YAML_BYTES // 1024} KB; it only needs a few lines "
                          "(title, severity, started_at, service) — keep logs and notes in their own files.")
    try:
        text = meta.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleError("incident.yaml is not UTF-8 text; save it as UTF-8.") from exc
    data = _yaml_mapping(text, "incident.yaml")
    draft, repo_value = _incident_draft(data, "incident.yaml")
    log_format, log_format_by_path = _log_format_choice(data.get("log_format"), "incident.yaml")
    try:
        in_app = InAppRules.from_config(data.get("in_app"))
    except ValueError as exc:
        raise BundleError(f"incident.yaml: {exc}, e.g. in_app: "
                          f"{{include: [com.example.], exclude: [com.example.generated.]}}.") from exc
    skipped: list[tuple[str, str]] = []
    runtime = root / "runtime"
    top_logs = [p for p in _files(root, runtime, skipped) if p.parent == runtime and LOG_NAME.search(p.name)]
    known = [p.relative_to(root).as_posix() for p in top_logs]
    # A path that names no log is most likely a typo; ignoring it would silently parse that log as "auto".
    stray = [path for path in log_format_by_path if path not in known]
    if stray:
        raise BundleError(f"incident.yaml: log_format names {', '.join(stray)}, which is not a log of this bundle; "
                          f"give paths relative to the bundle folder, one of: "
                          f"{', '.join(known) or '(no logs in runtime/)'}.")
    repo: Path | None = None
    repo_url: str | None = None
    repo_dir = root / "repo"
    if repo_dir.is_symlink():
        skipped.append(("repo", f"repo is a link: {_LINK_HELP}."))
    elif (repo_dir / ".git").exists():
        repo = repo_dir
    elif repo_value:
        repo, repo_url = _repo_location(root, repo_value, allow_local_repo)
    return Bundle(
        root=root,
        draft=draft,
        logs=top_logs,
        metrics=_files(root, runtime / "metrics", skipped),
        traces=_files(root, runtime / "traces", skipped),
        sql=_files(root, runtime / "sql", skipped),
        repo=repo,
        repo_url=repo_url,
        design=_files(root, root / "design", skipped),
        log_format=log_format,
        log_format_by_path=log_format_by_path,
        skipped=list(dict.fromkeys(skipped)),
        in_app=in_app,
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


def _zip_entries(raw: bytes) -> int:
    """How many entries the zip's end record announces (0 if it cannot be found; ZipFile then says why)."""
    end = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 65_557))
    if end < 0 or len(raw) < end + 12:
        return 0
    count = int.from_bytes(raw[end + 10: end + 12], "little")
    locator = end - 20  # a Zip64 archive keeps the real count in its own end record
    if count == 0xFFFF and locator >= 0 and raw[locator: locator + 4] == b"PK\x06\x07":
        record = int.from_bytes(raw[locator + 8: locator + 16], "little")
        if raw[record: record + 4] == b"PK\x06\x06":
            count = int.from_bytes(raw[record + 32: record + 40], "little")
    return count


def _extract_zip(raw: bytes, dest: Path, max_bytes: int, max_files: int) -> None:
    # Counted before the directory is parsed: a small zip can list millions of empty entries.
    _check_totals(_zip_entries(raw), 0, max_files, max_bytes)
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
        # Listed, then extracted in separate try blocks; it wraps an in-memory buffer, nothing to release.
        archive = tarfile.open(fileobj=io.BytesIO(raw), mode="r:*")  # noqa: SIM115
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BundleError("The upload is neither a zip nor a tar archive; upload a .zip or .tar.gz.") from exc
    total, count = 0, 0
    try:
        # Entry by entry, stopping at the limits: listing a tar of millions of entries first would hold them all.
        for member in archive:
            _safe_member(member.name)
            if member.issym() or member.islnk():
                raise BundleError(f"The archive entry {member.name!r} is a link; links are not accepted.")
            if not (member.isfile() or member.isdir()):
                raise BundleError(f"The archive entry {member.name!r} is not a regular file.")
            total, count = total + member.size, count + 1
            _check_totals(count, total, max_files, max_bytes)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BundleError(f"The tar archive is damaged ({exc}); re-create it.") from exc
    dest.mkdir(parents=True, exist_ok=True)
    try:
        archive.extractall(dest, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise BundleError(f"The tar archive could not be extracted ({exc}).") from exc
