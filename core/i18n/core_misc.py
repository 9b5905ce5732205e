"""Wording of the rest of core: what the model brain notes when the offline brain stood in for a ruling."""

from __future__ import annotations

from core.i18n import Text

STRINGS: dict[str, Text] = {
    # core.llm.brain.capped_fallback: appended to a ruling's "missing" list.
    "llm_brain.fallback_ruling": Text(
        en="the model did not give this ruling ({reason}); the offline brain answered, at no more confidence than "
           "the model's turns support ({cap:.0%})",
        zh="模型未能给出该裁决（{reason}），由离线推理代答；置信度不高于模型各轮所支持的 {cap:.0%}"),
}
