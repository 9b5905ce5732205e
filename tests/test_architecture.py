"""The dependency direction holds: core never imports streamlit (pages → app → core)."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "core"


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, relative ones included as written."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append((node.lineno, node.module or ""))
    return out


def test_core_never_imports_streamlit() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                offenders.append(f"{path.relative_to(CORE.parent)}:{node.lineno}")
    assert offenders == []


def test_core_modules_stay_small() -> None:
    too_long = {str(p.relative_to(CORE.parent)): n for p in CORE.rglob("*.py")
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert too_long == {}


def test_fusion_reads_signals_not_the_dashboard_views() -> None:
    # The dashboard's views draw fusion's results; fusion importing them back would be a cycle.
    offenders = [f"{p.relative_to(CORE.parent)}:{line}" for p in (CORE / "fusion").rglob("*.py")
                 for line, module in _imports(p) if module == "core.views" or module.startswith("core.views.")]
    assert offenders == []


def test_signal_read_queries_are_not_in_ingest() -> None:
    # Stats, summaries and series read back from the store live in core.signals (shared by fusion and the
    # views), not next to the parsers that write them.
    readers = [f"{p.relative_to(CORE.parent)}:{node.lineno} {node.name}" for p in (CORE / "ingest").rglob("*.py")
               for node in ast.parse(p.read_text(encoding="utf-8")).body
               if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
               and node.name.endswith(("_stats", "_summaries", "_spans", "_ids", "_series")) and "store" in
               [a.arg for a in node.args.args]]
    assert readers == []


def test_no_core_module_is_loaded_by_file_path() -> None:
    # A module loaded from a path escapes mypy, grep and the import graph; import it by name.
    offenders = [f"{p.relative_to(CORE.parent)}" for p in CORE.rglob("*.py")
                 if "spec_from_file_location" in p.read_text(encoding="utf-8")]
    assert offenders == []
