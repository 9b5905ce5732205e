"""The code: Git history, the symbol index (types, members, DDD roles, endpoints), layers and bounded contexts,
ownership, and what is in-app."""

from __future__ import annotations

from core.ingest.code.app_code import AppCode, InAppRules, app_code_for, is_test_path, mark_app_frames
from core.ingest.code.git_repo import FilePatch, GitRepo, Tag, clone_repo
from core.ingest.code.layers import LAYERS, bounded_context_of, layer_of, package_of
from core.ingest.code.ownership import OwnershipRule, find_codeowners, owner_of, parse_codeowners
from core.ingest.code.symbols import CodeIndex, Symbol, find_class, incident_index, index_repo, symbol_at

__all__ = [
    "LAYERS", "AppCode", "CodeIndex", "FilePatch", "GitRepo", "InAppRules", "OwnershipRule", "Symbol", "Tag",
    "app_code_for", "bounded_context_of", "clone_repo", "find_class", "find_codeowners", "incident_index", "index_repo",
    "is_test_path", "layer_of", "mark_app_frames", "owner_of", "package_of", "parse_codeowners", "symbol_at",
]
