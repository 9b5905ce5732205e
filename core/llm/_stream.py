"""Turn a model's streamed JSON into readable bubble text as it arrives, and hold back half-streamed placeholders."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable

__all__ = ["PlaceholderHold", "ProseStream"]

# The string fields a reader wants to see while the turn is still being written.
_PROSE_KEYS = frozenset({
    "summary", "text", "title", "statement", "reason", "root_cause", "fix_suggestion", "impact_analysis",
})
_HEADLINE_KEYS = frozenset({"summary", "root_cause"})
_ESCAPES = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", '"': '"', "\\": "\\", "/": "/"}


class ProseStream:
    """An incremental JSON scanner that emits the text of prose fields (summary, claim texts …) as it streams.

    Keys, ids, numbers and citation lists are skipped, so the live bubble reads like prose instead of JSON.
    Anything before the first `{` (a code fence, a preamble) is ignored. It never raises: malformed input
    only makes the live text less pretty; the final reply is parsed separately.
    """

    def __init__(self) -> None:
        self._stack: list[str] = []
        self._in_string = False
        self._is_key = False
        self._expect_key = False
        self._escape = ""
        self._key = ""
        self._key_buf: list[str] = []
        self._emitting = False
        self._started = False
        self._thinking = False
        self._pending_tag = ""

    def feed(self, chunk: str) -> str:
        """Consume a chunk of the model's output; return the prose it completes (reasoning blocks left out)."""
        return self._scan(self._skip_thinking(chunk))

    def _skip_thinking(self, chunk: str) -> str:
        """Drop `<think>…</think>` (reasoning models) across chunk borders; a `</think>` alone starts afresh."""
        text, kept = self._pending_tag + chunk, list[str]()
        self._pending_tag = ""
        while text:
            if self._thinking:
                end = text.find("</think>")
                if end < 0:
                    self._pending_tag = text[-len("</think>") + 1:]  # a closing tag split across chunks
                    return "".join(kept)
                text, self._thinking = text[end + len("</think>"):], False
                continue
            start, close = text.find("<think>"), text.find("</think>")
            if close >= 0 and (start < 0 or close < start):  # reasoning whose opening tag the server swallowed
                self.__init__()  # type: ignore[misc]
                kept.clear()
                text = text[close + len("</think>"):]
                continue
            if start < 0:
                cut = text.rfind("<")
                if cut >= 0 and ("<think>".startswith(text[cut:]) or "</think>".startswith(text[cut:])):
                    self._pending_tag, text = text[cut:], text[:cut]
                kept.append(text)
                break
            kept.append(text[:start])
            text, self._thinking = text[start + len("<think>"):], True
        return "".join(kept)

    def _scan(self, chunk: str) -> str:
        out: list[str] = []
        for ch in chunk:
            if self._in_string:
                self._string_char(ch, out)
            elif ch == '"' and self._stack:
                self._open_string(out)
            elif ch in "{[":
                self._stack.append(ch)
                self._expect_key = ch == "{"
            elif ch in "}]" and self._stack:
                self._stack.pop()
                self._expect_key = False
            elif ch == "," and self._stack:
                self._expect_key = self._stack[-1] == "{"
            elif ch == ":":
                self._expect_key = False
        return "".join(out)

    def _open_string(self, out: list[str]) -> None:
        self._in_string = True
        self._is_key = self._stack[-1] == "{" and self._expect_key
        self._key_buf = []
        self._emitting = not self._is_key and self._key in _PROSE_KEYS
        if self._emitting:
            if self._started:
                out.append("\n" if self._key in _HEADLINE_KEYS else "\n- ")
            self._started = True

    def _string_char(self, ch: str, out: list[str]) -> None:
        if self._escape:
            self._escape += ch
            if self._escape[1] != "u":
                self._put(_ESCAPES.get(ch, ch), out)
                self._escape = ""
            elif len(self._escape) == 6:
                with contextlib.suppress(ValueError):
                    self._put(chr(int(self._escape[-4:], 16)), out)
                self._escape = ""
            return
        if ch == "\\":
            self._escape = ch
        elif ch == '"':
            self._in_string = False
            if self._is_key:
                self._key = "".join(self._key_buf)
                self._expect_key = False
        else:
            self._put(ch, out)

    def _put(self, text: str, out: list[str]) -> None:
        if self._is_key:
            self._key_buf.append(text)
        elif self._emitting:
            out.append(text)


_OPEN_PLACEHOLDER = re.compile(r"<[A-Z_0-9]{0,24}$")


class PlaceholderHold:
    """Buffers text that may end inside a placeholder (`<EMA…`) so `restore` only ever sees whole ones."""

    def __init__(self, restore: Callable[[str], str]) -> None:
        self._restore = restore
        self._pending = ""

    def feed(self, text: str) -> str:
        text = self._pending + text
        held = _OPEN_PLACEHOLDER.search(text)
        cut = held.start() if held else len(text)
        self._pending = text[cut:]
        return self._restore(text[:cut])

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return self._restore(text)
