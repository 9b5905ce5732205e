"""Text shown as text: templates keep their wildcards, cuts land between words, sizes read naturally."""

from __future__ import annotations

from core.plain_text import clip, human_size, md_data, md_literal


def test_a_log_template_keeps_its_wildcards_in_markdown() -> None:
    # Escaped `*` / `_` are shown literally by every Markdown renderer; ``**bold**`` and code spans stay.
    assert md_data("WARN template 'SQL Error: <*>, SQLState: <*>': 51 lines") == (
        "WARN template 'SQL Error: <\\*>, SQLState: <\\*>': 51 lines")
    assert md_data("**E7** user_id=* and _private_ `a*b` stays") == (
        "**E7** user_id=\\* and \\_private\\_ `a*b` stays")
    assert md_literal("*a* [x](y) <*>") == "\\*a\\* \\[x\\]\\(y\\) \\<\\*\\>"


def test_clip_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    text = "Prevent overselling in flash sales: lock inventory rows while reserving"
    cut = clip(text, 60)
    assert cut.endswith("…") and len(cut) <= 60
    assert cut[:-1].split()[-1] in text.split(), cut
    assert clip("short", 60) == "short"
    assert clip("库存项聚合根在秒杀期间被悲观锁长时间占用", 10) == "库存项聚合根在秒杀…"


def test_human_size() -> None:
    assert human_size(0) == "0 B"
    assert human_size(700) == "700 B"
    assert human_size(5 * 1024 + 100) == "5.1 KiB"
    assert human_size(3 * 1024**2) == "3.0 MiB"
