"""Finding the JSON object in what a model wrote: `<think>` blocks, fences, prose and not-quite-JSON around it."""

from __future__ import annotations

import json
import re
from typing import Any

from json_repair import repair_json

__all__ = ["OutputInvalid", "extract_json"]

_FENCE_MARK = re.compile(r"```[\w-]*")
_THINK = re.compile(r"<(think|thinking|reasoning)>[\s\S]*?</\1>", re.IGNORECASE)
_THINK_END = re.compile(r"</(?:think|thinking|reasoning)>", re.IGNORECASE)


class OutputInvalid(ValueError):
    """The model's text is not a valid reply; the message is what the model is shown in the repair turn."""


def _snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key.strip()).lower().replace("-", "_").replace(" ", "_")


def _closing(text: str, start: int) -> int | None:
    """The index of the `}` that closes the object opening at `start` (strings and escapes respected), or None."""
    depth, in_string, escape = 0, False, False
    for i in range(start, len(text)):
        ch = text[i]
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i
    return None


def _read(span: str) -> dict[str, Any] | None:
    """One object from a closed span: strict JSON, else leniently (trailing commas, single quotes, comments)."""
    try:
        obj = json.loads(span)
    except json.JSONDecodeError:
        obj = repair_json(span, return_objects=True) or None  # it reads anything as {}: that is no object
    return obj if isinstance(obj, dict) else None


def extract_json(text: str, expect: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The reply's JSON object, whatever surrounds it: `<think>` blocks, fences, prose, trailing commas.

    Args:
        expect: the keys the reply should have; of several objects in the text, the one with most of them wins
            (then the longest), so a `{E1}` in the prose or an object quoted in an example does not.

    Raises:
        OutputInvalid: no object, one that was cut off, or one that cannot be read even leniently.
    """
    cleaned = _THINK.sub("", text)
    if ends := list(_THINK_END.finditer(cleaned)):  # reasoning whose opening tag the server swallowed
        cleaned = cleaned[ends[-1].end():]
    found: list[tuple[int, int, dict[str, Any]]] = []
    unclosed = False  # an object opened before any complete one and never closed: a reply cut off
    at = cleaned.find("{")
    while at >= 0 and len(found) < 20:
        end = _closing(cleaned, at)
        if end is None:
            unclosed = unclosed or not found
            at = cleaned.find("{", at + 1)
            continue
        obj = _read(_FENCE_MARK.sub("", cleaned[at:end + 1]))
        if obj is not None:
            found.append((len({_snake(str(k)) for k in obj} & expect), end - at, obj))
            at = cleaned.find("{", end + 1)  # objects inside this one are parts of it
        else:
            at = cleaned.find("{", at + 1)
    best = max(found, key=lambda item: (item[0], item[1]), default=None)
    if best is not None and (best[0] >= 2 or not unclosed):
        return best[2]
    if unclosed:
        raise OutputInvalid("The JSON object is not closed (the reply was cut off); answer more briefly.")
    if "{" not in cleaned:
        raise OutputInvalid("The reply contains no JSON object.")
    raise OutputInvalid("The reply's JSON cannot be read; if it was cut off, answer more briefly.")
