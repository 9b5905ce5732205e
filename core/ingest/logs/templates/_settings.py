"""The template miner's generic knobs and the switchable rules behind them (private to templates)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["RULES", "MinerSettings", "Rule"]

Rule = Literal[
    "dates",
    "sizes",
    "durations",
    "quoted_values",
    "hex_groups",
    "short_digit_ids",
    "second_sample",
    "numbered_codes",
    "kv_keys",
    "value_literals",
    "after_equals",
    "learned_namers",
    "mostly_masked",
    "enum_words",
    "first_word",
]

# What each rule does, and why it should hold for a log the miner has never seen.
RULES: dict[Rule, str] = {
    "dates": "a date/time phrase inside a message is one value, so weekday and month words do not split an event",
    "sizes": "a number with a size unit (384.0 B, 2.3 KB) is one value, so the unit does not split an event",
    "durations": "an approximate duration (<1 sec, ~5 min) is one value, like 00:02",
    "quoted_values": "a quoted value after '=' is one value, however many words it holds",
    "hex_groups": "colon-joined hex groups holding a digit (MAC, IPv6) are one value",
    "short_digit_ids": ("an identifier with a short digit suffix (ssh2, eth0) is a constant; "
                        "off: any digit makes a variable"),
    "second_sample": "a word whose digits differ between two lines of one key is data (root14 / root22)",
    "numbered_codes": "words that differ only in their numbers (U01 / U11) are one variable",
    "kv_keys": "key=value tokens with one key and differing values are one variable",
    "value_literals": "differing true / false / null literals at one position are one variable",
    "after_equals": "the differing word after a 'key=' token is that key's value",
    "learned_namers": "a word followed by many different words across the log's templates names a value",
    "mostly_masked": "plain words at a position that is mostly masked values are values too",
    "enum_words": "differing ALL_CAPS words (RUNNING / FAILED) are states that name different events",
    "first_word": "the first word names the event: it takes more distinct words to call it a variable",
}


class MinerSettings(BaseModel):
    """Generic settings of the template miner; nothing in it names a log system, field or token.

    The defaults are what the leave-systems-out selection in ``bench/bench_templates.py`` picks
    with all shared Loghub systems in training; the bench reports what the same selection picks,
    and scores, with each system held out.

    Attributes:
        similarity: Share of equal constant tokens for two same-length shapes to be compared as
            one candidate event (Drain's similarity threshold).
        max_variants: A token position with at least this many different plain words is a
            variable; fewer different words are kept as distinct events.
        rules: The switchable rules that are on (see ``RULES``).
    """

    model_config = ConfigDict(frozen=True)

    similarity: float = Field(default=0.5, gt=0.0, le=1.0)
    max_variants: int = Field(default=5, ge=2)
    rules: frozenset[Rule] = frozenset(RULES)

    def on(self, rule: Rule) -> bool:
        """Whether ``rule`` is switched on."""
        return rule in self.rules
