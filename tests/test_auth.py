"""Roles: viewer < analyst < approver < admin, and the refusal a lower role gets."""

from __future__ import annotations

import pytest

from core.auth import (
    ANONYMOUS_LOCAL,
    ROLES,
    Principal,
    allows,
    require,
    require_principal,
)
from core.errors import Forbidden, TribunalError


def test_each_role_may_do_what_the_lower_ones_may_and_no_more() -> None:
    for i, actor in enumerate(ROLES):
        for j, needed in enumerate(ROLES):
            assert allows(actor, needed) == (i >= j)
            if i < j:
                with pytest.raises(Forbidden, match=f"only {needed} and above"):
                    require(actor, needed)
            else:
                require(actor, needed)


def test_an_unknown_role_may_do_nothing() -> None:
    with pytest.raises(Forbidden, match="unknown role 'root'"):
        require("root", "viewer")
    with pytest.raises(ValueError):
        require("admin", "superuser")


def test_forbidden_is_a_tribunal_error_the_ui_can_show() -> None:
    with pytest.raises(TribunalError, match="carol \\(viewer\\) may not start a debate"):
        require_principal(Principal("carol", "viewer"), "analyst", "start a debate")


def test_sign_in_off_is_one_local_admin() -> None:
    assert ANONYMOUS_LOCAL.role == "admin" and ANONYMOUS_LOCAL.may("admin")
