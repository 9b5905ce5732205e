"""The project's error tree: every failure a user can act on is a TribunalError."""

from __future__ import annotations

__all__ = [
    "AuthError",
    "BundleError",
    "ConfigError",
    "DebateError",
    "Forbidden",
    "FusionError",
    "IngestError",
    "ReportError",
    "ResumeError",
    "ReviewError",
    "StoreError",
    "StoreLockedError",
    "TribunalError",
]


class TribunalError(Exception):
    """Base of every error the product raises on purpose; its message says what to do next."""


class ConfigError(TribunalError):
    """Settings are missing or invalid (environment, secrets.toml, routing file)."""


class IngestError(TribunalError):
    """An asset could not be read or parsed."""


class BundleError(IngestError):
    """An incident bundle (folder, zip or incident.yaml) is malformed or unsafe."""


class StoreError(TribunalError):
    """The DuckDB store could not be opened, migrated, read or written."""


class StoreLockedError(StoreError):
    """Another process holds the DuckDB file open for writing."""


class FusionError(TribunalError):
    """Correlating assets into evidence failed."""


class DebateError(TribunalError):
    """The debate could not start, continue or finish."""


class ReportError(TribunalError):
    """A report could not be rendered."""


class ResumeError(TribunalError):
    """An incident cannot be continued from where it stopped (unknown, or its bundle is needed and missing)."""


class ReviewError(TribunalError):
    """A review decision cannot be made: no ruling yet, already decided, or a reason or note is missing."""


class AuthError(TribunalError):
    """Sign-in failed, the account is locked or disabled, or the session expired."""


class Forbidden(AuthError):
    """The signed-in role may not do this (checked in core, not only hidden in the UI)."""
