"""Visual identity: one colour and avatar per agent, severity colours, and the dashboard's CSS."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.agents.spec import AGENT_SPECS
from core.i18n import text

__all__ = [
    "AGENT_STYLES",
    "LEVEL_COLORS",
    "SEVERITY_COLORS",
    "UPLOAD_TYPES",
    "AgentStyle",
    "agent_style",
    "avatar_html",
    "icon_html",
    "inject_css",
    "uploader_css",
]


@dataclass(frozen=True)
class AgentStyle:
    color: str
    tint: str
    avatar: str  # a Material Symbols ligature: Streamlit ships the font, so no emoji font is needed
    side: str  # "left", "right" or "center": critic and rebuttal face each other, the judge sits in the middle


AGENT_STYLES: dict[str, AgentStyle] = {  # from each agent's spec, like its prompt and its routing
    name: AgentStyle(spec.color, spec.tint, spec.icon, spec.side) for name, spec in AGENT_SPECS.items()
}
_FALLBACK = AgentStyle("#64748b", "#f8fafc", "smart_toy", "left")

SEVERITY_COLORS = {"critical": "red", "high": "orange", "medium": "yellow", "low": "gray"}
LEVEL_COLORS = {
    "FATAL": "#7f1d1d", "ERROR": "#dc2626", "WARN": "#f59e0b", "WARNING": "#f59e0b", "INFO": "#94a3b8",
    "DEBUG": "#cbd5e1", "TRACE": "#e2e8f0",
}


def agent_style(agent: str) -> AgentStyle:
    return AGENT_STYLES.get(agent, _FALLBACK)


def icon_html(name: str, css_class: str = "tb-icon") -> str:
    """A Material Symbols icon inside raw HTML (st.markdown's :material/...: does not reach inside HTML)."""
    return f'<span class="{css_class}">{name}</span>'


def avatar_html(agent: str) -> str:
    style = agent_style(agent)
    return f'<span class="tb-avatar" style="background:{style.color}">{style.avatar}</span>'


def _bubble_rules() -> str:
    rules = []
    for agent, style in AGENT_STYLES.items():
        margin = {
            "left": "margin-right: auto; width: 90% !important;",
            "right": "margin-left: auto; width: 90% !important;",
            "center": "margin-left: auto; margin-right: auto; width: 96% !important;",
        }[style.side]
        rules.append(
            f'div[class*="st-key-bubble-{agent}-"] {{ background: {style.tint}; '
            f"border: 1px solid {style.color}33; border-left: 4px solid {style.color}; {margin} }}"
        )
        rules.append(
            f'div[class*="st-key-roster-{agent}"] {{ background: {style.tint}; border-radius: 12px; '
            f"padding: .7rem .9rem; border-top: 3px solid {style.color}; min-height: 6.2rem; }}"
        )
    return "\n".join(rules)


_CSS = """
<style>
.block-container { padding-top: 2.2rem; max-width: 1400px; }
.block-container h1 { font-size: 2.05rem; padding-bottom: .3rem; }
div[class*="st-key-bubble-"] {
  border-radius: 12px; padding: 0.75rem 1rem 0.6rem 1rem; box-shadow: 0 1px 2px rgba(15,23,42,.06);
}
div[class*="st-key-bubble-"] p, div[class*="st-key-bubble-"] li { line-height: 1.55; }
.tb-head { display: flex; align-items: center; gap: .6rem; flex-wrap: wrap; margin-bottom: .15rem; }
.tb-avatar { width: 2.1rem; height: 2.1rem; border-radius: 50%; display: inline-flex; align-items: center;
  justify-content: center; color: white; flex: none; font-family: 'Material Symbols Rounded'; font-size: 1.25rem;
  font-feature-settings: 'liga'; line-height: 1; }
.tb-icon { font-family: 'Material Symbols Rounded'; font-feature-settings: 'liga'; font-size: 1.05em;
  vertical-align: -0.18em; line-height: 1; }
.tb-name { font-weight: 700; font-size: 1rem; }
.tb-role { color: #64748b; font-size: .85rem; }
.tb-chip { font-size: .72rem; padding: .1rem .5rem; border-radius: 999px; background: #e2e8f0; color: #334155;
  white-space: nowrap; }
.tb-chip.brain-offline { background: #e0f2fe; color: #075985; }
.tb-chip.brain-llm { background: #ede9fe; color: #5b21b6; }
.tb-chip.bad { background: #fee2e2; color: #991b1b; }
.tb-chip.good { background: #dcfce7; color: #166534; }
.tb-chip.warn { background: #fef3c7; color: #92400e; }
.tb-tool { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .74rem; color: #475569;
  padding: .1rem .4rem; border-left: 2px solid #cbd5e1; margin: .1rem 0; word-break: break-word; }
.tb-tool .good { color: #15803d; } .tb-tool .bad { color: #b91c1c; }
.tb-probe-ok { color: #15803d; } .tb-probe-bad { color: #b91c1c; }
.tb-spacer { flex: 1; }
.tb-conf { display: inline-flex; align-items: center; gap: .35rem; font-size: .78rem; color: #475569; }
.tb-conf-bar { width: 84px; height: 7px; border-radius: 4px; background: #e2e8f0; overflow: hidden;
  display: inline-block; }
.tb-conf-fill { height: 100%; display: block; border-radius: 4px; }
.tb-summary { font-weight: 600; margin: .2rem 0 .1rem 0; }
.tb-section { font-size: .75rem; font-weight: 700; letter-spacing: .06em; text-transform: uppercase; color: #64748b;
  margin-top: .3rem; }
.tb-claim-bad { border-left: 3px solid #dc2626; padding-left: .5rem; background: #fff1f1; border-radius: 4px; }
.tb-claim-problem { color: #b91c1c; font-size: .8rem; }
.tb-divider { display: flex; align-items: center; gap: .75rem; margin: 1.1rem 0 .4rem 0; color: #475569;
  font-size: .8rem; font-weight: 600; letter-spacing: .06em; text-transform: uppercase; }
.tb-divider::before, .tb-divider::after { content: ""; flex: 1; border-top: 1px solid #cbd5e1; }
.tb-unknown-cite { font-family: monospace; font-size: .78rem; padding: .05rem .45rem; border-radius: 999px;
  background: #fee2e2; color: #991b1b; text-decoration: line-through; }
div[class*="st-key-chips-"] button { min-height: 1.6rem; padding: .05rem .55rem; border-radius: 999px;
  font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .78rem; }
div[class*="st-key-chips-"] button p { font-size: .78rem; }
div[class*="st-key-judgment-card"] { border: 2px solid #b45309; border-radius: 14px; padding: 1rem 1.2rem;
  background: linear-gradient(180deg, #fffbeb 0%, #ffffff 70%); }
.tb-verdict-label { font-size: .75rem; font-weight: 700; letter-spacing: .08em; text-transform: uppercase;
  color: #b45309; }
.tb-verdict { font-size: 1.15rem; font-weight: 650; margin: .2rem 0 .6rem 0; line-height: 1.45; }
.tb-kv { font-size: .85rem; color: #475569; }
.tb-kv b { color: #0f172a; font-size: 1.05rem; }
.tb-incident { border-radius: 10px; padding: .6rem .75rem; background: rgba(255,255,255,.6);
  border: 1px solid #e2e8f0; font-size: .85rem; }
.tb-incident .tb-inc-title { font-weight: 650; margin-bottom: .2rem; }
.tb-mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .78rem; word-break: break-all; }
</style>
"""


#: Uploaders that accept only some file types, by widget key (Streamlit lists them in its own English line).
UPLOAD_TYPES: dict[str, tuple[str, ...]] = {"w.intake.archive": ("zip", "tar", "gz", "tgz")}


def _size_limit() -> str:
    """The per-file limit the way Streamlit writes it (``server.maxUploadSize`` is in MB)."""
    mb = int(st.get_option("server.maxUploadSize") or 200)
    return f"{mb // 1024}GB" if mb % 1024 == 0 else f"{mb}MB"


def uploader_css(lang: str) -> str:
    """Chinese for Streamlit's own file-uploader text ("Upload", "1GB per file", "Drag and drop files here").

    Streamlit has no locale option, so the English text is set to zero size and the Chinese drawn in its
    place by CSS: nothing depends on when the page's scripts run, and English needs no rule at all.
    """
    if lang != "zh":
        return ""
    limit = text("uploader.limit", lang, size=_size_limit())
    upload, drop, sep = text("uploader.button", lang), text("uploader.drop", lang), text("uploader.list_sep", lang)
    zone = '[data-testid="stFileUploaderDropzone"]'
    rules = [
        f'{zone} button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}',
        f'{zone} button [data-testid="stMarkdownContainer"] p::after {{ content: "{upload}"; font-size: .875rem; }}',
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}',
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span::after '
        f'{{ content: "{limit}"; font-size: .875rem; }}',
        # Shown only while a file is dragged over the box.
        f'{zone} > div:not([data-testid]) span {{ font-size: 0; }}',
        f'{zone} > div:not([data-testid]) span::after {{ content: "{drop}"; font-size: 1rem; }}',
    ]
    for key, types in UPLOAD_TYPES.items():
        rules.append(f'.st-key-{key.replace(".", "-")} [data-testid="stFileUploaderDropzoneInstructions"] span::after '
                     f'{{ content: "{limit} · {sep.join(x.upper() for x in types)}"; }}')
    return "\n".join(rules)


def inject_css() -> None:
    """Add the dashboard's stylesheet to the page (call once per run, from the entry script)."""
    from app.state import language

    st.html(_CSS.replace("</style>", _bubble_rules() + "\n" + uploader_css(language()) + "\n</style>"))
