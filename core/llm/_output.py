"""What each agent must answer (JSON schemas per role), and turning what real models write into a validated AgentReply.

Models wrap JSON in fences, prose and `<think>` blocks, write numbers as strings or percentages, name
severities `P0` or `严重`, give a location as `"File.java:42"` and leave nullable fields out. The output
models below accept those variants and normalise them; what still does not fit is reported in words the
model is shown in its one repair turn.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from core.agents.base import AgentReply
from core.agents.spec import AGENT_SPECS
from core.llm._extract import OutputInvalid, _snake, extract_json
from core.schema import (
    AgentName,
    Answer,
    Challenge,
    Claim,
    Evidence,
    EvidenceRef,
    Hypothesis,
    Judgment,
    Severity,
)

__all__ = [
    "HYPOTHESIS_PREFIX",
    "OUTPUT_MODELS",
    "OutputInvalid",
    "extract_json",
    "map_strings",
    "output_schema",
    "parse_output",
    "to_reply",
]

_EVIDENCE_ID = re.compile(r"\bE\d+\b")
_FILE_LINE = re.compile(r"([\w./\\$@-]*\w\.\w{1,6}):(\d+)")
_JAVA_FRAME = re.compile(r"^\s*(?:at\s+)?([\w.$<>]+)\s*\(\s*([\w./\\$-]+\.\w{1,6}):(\d+)\s*\)")
_SHA = re.compile(r"\b[0-9a-fA-F]{7,40}\b")
_NULLS = {"", "none", "null", "n/a", "na", "unknown", "-", "—", "无", "未知", "不适用"}
HYPOTHESIS_PREFIX: dict[AgentName, str] = {"LogAgent": "HL", "DomainAgent": "HD", "CodeAgent": "HC"}


# --- reading values the way models write them ------------------------------------------------------------

_SEVERITIES: dict[str, Severity] = {
    **dict.fromkeys(("critical", "crit", "p0", "sev0", "sev1", "s0", "s1", "blocker", "fatal", "urgent", "emergency",
                     "very high", "致命", "紧急", "特大", "极高", "灾难"), "critical"),
    **dict.fromkeys(("high", "p1", "sev2", "s2", "major", "severe", "serious", "严重", "高", "重大", "较高"), "high"),
    **dict.fromkeys(("medium", "med", "p2", "sev3", "s3", "moderate", "normal", "一般", "中", "中等", "较低"),
                    "medium"),
    **dict.fromkeys(("low", "p3", "p4", "sev4", "sev5", "s4", "minor", "trivial", "轻微", "低", "很低"), "low"),
}
_STATUSES = {
    **dict.fromkeys(("proposed", "open", "new", "pending", "candidate", "untested", "possible", "提出", "待定",
                     "待验证"),
                    "proposed"),
    **dict.fromkeys(("supported", "confirmed", "accepted", "likely", "verified", "strong", "leading", "支持", "成立",
                     "已确认", "确认"), "supported"),
    **dict.fromkeys(("challenged", "disputed", "contested", "questioned", "weakened", "uncertain", "质疑", "存疑",
                     "受质疑"), "challenged"),
    **dict.fromkeys(("rejected", "refuted", "dismissed", "ruled out", "ruled_out", "discarded", "disproved",
                     "unlikely", "否决", "已否决", "否定", "排除", "已排除"), "rejected"),
}
_VERDICTS = {
    "answered": "answered", "回答": "answered", "已回答": "answered",
    **dict.fromkeys(("resolved", "refuted", "rebutted", "addressed", "fixed", "disproved", "countered",
                     "settled", "已解决", "解决", "已反驳", "反驳"), "resolved"),
    **dict.fromkeys(("conceded", "concede", "accepted", "agree", "agreed", "acknowledged", "valid", "correct",
                     "承认", "接受", "认可", "同意"), "conceded"),
    **dict.fromkeys(("open", "unresolved", "pending", "partial", "partially resolved", "unknown", "undetermined",
                     "未决", "未解决", "待定", "部分解决"), "open"),
}
_BOOLS = {"是": True, "对": True, "真": True, "需要": True, "建议": True, "否": False, "不": False, "假": False,
          "不需要": False, "不建议": False, "high": True, "major": True, "low": False, "minor": False}
_CONFIDENCE_WORDS = {"very high": 0.9, "high": 0.8, "medium": 0.5, "moderate": 0.5, "low": 0.3, "very low": 0.1,
                     "极高": 0.9, "高": 0.8, "较高": 0.7, "中": 0.5, "中等": 0.5, "较低": 0.35, "低": 0.3}


def _word(value: str) -> str:
    return " ".join(re.sub(r"[\s_:：()（）\[\]【】.。!！-]+", " ", value).split()).lower()


def _choice(table: dict[str, str], value: Any) -> Any:
    """An enum value from its synonyms, case and decoration ("P1 - High", "【严重】") aside; else as given."""
    if not isinstance(value, str):
        return value
    word = _word(value)
    if word in table:
        return table[word]
    for token in sorted(table, key=len, reverse=True):  # "P1 严重" / "high (P1)": the longest known word inside
        if re.search(rf"(?<![a-z0-9]){re.escape(token)}(?![a-z0-9])", word):
            return table[token]
    return value


def _fraction(value: Any) -> Any:
    """0.6, "0.6", 60, "60%", "high" → 0.6-ish; anything else is left for validation to reject."""
    if isinstance(value, bool) or value is None:
        return value
    percent = False
    if isinstance(value, str):
        text = value.strip().lower()
        if _word(text) in _CONFIDENCE_WORDS:
            return _CONFIDENCE_WORDS[_word(text)]
        percent = text.endswith("%")
        try:
            value = float(text.rstrip("%").strip())
        except ValueError:
            return value
    if isinstance(value, int | float) and (percent or 1 < value <= 100):
        return value / 100
    return value


def _ids(value: Any) -> Any:
    """Citations as models write them: ["E1"], "E1, E3", ["[E1]"], [{"id": "E1"}] → ["E1", "E3"]."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("id") or item.get("evidence_id") or ""
        out += _EVIDENCE_ID.findall(str(item))
    return list(dict.fromkeys(out))


def _nullable(value: Any) -> Any:
    return None if isinstance(value, str) and _word(value) in _NULLS else value


def _boolean(value: Any) -> Any:
    if isinstance(value, str) and _word(value) in _BOOLS:
        return _BOOLS[_word(value)]
    return value


def _line(value: Any) -> Any:
    if isinstance(value, str) and (m := re.search(r"\d+", value)):
        return int(m.group())
    return value


Fraction = Annotated[float, BeforeValidator(_fraction), Field(ge=0.0, le=1.0)]
Ids = Annotated[list[str], BeforeValidator(_ids)]
Bool = Annotated[bool, BeforeValidator(_boolean)]


def _require(*names: str) -> Any:
    """Keep fields that have a lenient default listed as required in the schema the model is shown."""
    def extra(schema: dict[str, Any]) -> None:
        schema["required"] = [*schema.get("required", []), *(n for n in names if n not in schema.get("required", []))]
    return extra


class _Out(BaseModel):
    """Extra keys are dropped, keys are read in camelCase or snake_case, and each model knows its aliases."""

    model_config = ConfigDict(extra="ignore")
    _aliases: ClassVar[dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        aliases = cls._aliases
        out: dict[str, Any] = {}
        for key, value in data.items():
            name = _snake(str(key))
            name = name if name in cls.model_fields else aliases.get(name, name)
            if name not in out or out[name] in (None, "", []):
                out[name] = value
        return out


class LocationOut(_Out):
    file: str
    line: Annotated[int, BeforeValidator(_line)]
    symbol: str = ""
    _aliases: ClassVar[dict[str, str]] = {
        "path": "file", "filename": "file", "file_path": "file", "line_number": "line", "lineno": "line",
                "method": "symbol", "function": "symbol", "class": "symbol", "class_name": "symbol"}


def _location(value: Any) -> Any:
    """"src/X.java:42", "pkg.X.run (X.java:42)" or {"file": …} → a location; "unknown" → None."""
    value = _nullable(value)
    if not isinstance(value, str):
        return value
    if m := _JAVA_FRAME.match(value):
        return {"file": m.group(2), "line": int(m.group(3)), "symbol": m.group(1)}
    if m := _FILE_LINE.search(value):
        rest = (value[: m.start()] + value[m.end():]).strip(" ()（）,;-—#")
        return {"file": m.group(1), "line": int(m.group(2)), "symbol": rest}
    return value


class CommitOut(_Out):
    sha: str
    author: str = ""
    message: str = ""
    _aliases: ClassVar[dict[str, str]] = {
        "hash": "sha", "id": "sha", "commit": "sha", "commit_sha": "sha", "subject": "message",
                "title": "message", "summary": "message", "committer": "author"}


def _commit(value: Any) -> Any:
    value = _nullable(value)
    if isinstance(value, str):
        m = _SHA.search(value)
        return {"sha": m.group() if m else value.strip(), "message": value[m.end():].strip(" :-—") if m else ""}
    return value


def _sha(value: Any) -> Any:
    value = _nullable(value)
    if isinstance(value, dict):
        value = value.get("sha") or value.get("hash") or value.get("id")
    if isinstance(value, str) and (m := _SHA.search(value)):
        return m.group()
    return value


Location = Annotated[LocationOut | None, BeforeValidator(_location)]


class ClaimOut(_Out):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_require("citations"))
    text: str = Field(min_length=1)
    citations: Ids = Field(default_factory=list, description="Ledger ids, e.g. [\"E3\", \"E8\"].")
    _aliases: ClassVar[dict[str, str]] = {
        "claim": "text", "statement": "text", "content": "text", "evidence": "citations",
                "evidence_ids": "citations", "cites": "citations", "refs": "citations", "citation": "citations"}

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, data: Any) -> Any:
        return {"text": data, "citations": _ids(data)} if isinstance(data, str) else data


class HypothesisOut(_Out):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_require("id", "title", "statement", "confidence"))
    id: str = ""
    title: str = ""
    statement: str = ""
    location: Location = None
    commit_sha: Annotated[str | None, BeforeValidator(_sha)] = None
    citations: Ids = Field(default_factory=list)
    confidence: Fraction = 0.5
    status: Annotated[Literal["proposed", "supported", "challenged", "rejected"],
                      BeforeValidator(lambda v: _choice(_STATUSES, v))] = "proposed"
    reason: str = ""
    _aliases: ClassVar[dict[str, str]] = {
        "hypothesis_id": "id", "name": "title", "summary": "title", "description": "statement",
                "explanation": "statement", "detail": "statement", "details": "statement", "text": "statement",
                "commit": "commit_sha", "sha": "commit_sha", "suspect_commit": "commit_sha", "evidence": "citations",
                "evidence_ids": "citations", "cites": "citations", "code_location": "location", "where": "location"}

    @model_validator(mode="after")
    def _texts(self) -> HypothesisOut:
        if not self.title and not self.statement:
            raise ValueError("a hypothesis needs a title or a statement")
        self.title = self.title or self.statement[:120]
        self.statement = self.statement or self.title
        return self


class ChallengeOut(_Out):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_require("target", "citations", "material"))
    id: str = Field(min_length=1)
    target: str = "*"
    text: str = Field(min_length=1)
    citations: Ids = Field(default_factory=list)
    material: Bool = True
    kind: str = Field(default="", description="timing, contradiction, no-location, no-commit, closer-commit, noise, "
                                              "external, coverage, citation or other.")
    _aliases: ClassVar[dict[str, str]] = {"type": "kind", "category": "kind", "challenge_kind": "kind",
                "challenge_id": "id", "hypothesis": "target", "hypothesis_id": "target", "targets": "target",
                "objection": "text", "challenge": "text", "statement": "text", "description": "text",
                "evidence": "citations", "evidence_ids": "citations", "is_material": "material"}

    @field_validator("target", mode="before")
    @classmethod
    def _one_target(cls, value: Any) -> Any:
        return ", ".join(map(str, value)) if isinstance(value, list) else (value if value is not None else "*")


class AnswerOut(_Out):
    challenge_id: str = Field(min_length=1)
    verdict: Annotated[Literal["resolved", "conceded", "open", "answered"],
                       BeforeValidator(lambda v: _choice(_VERDICTS, v))]
    text: str = Field(min_length=1)
    citations: Ids = Field(default_factory=list)

    @model_validator(mode="after")
    def _question_or_challenge(self) -> AnswerOut:
        # A human question (Q<n>) is answered, whatever word the model used; a challenge is resolved, not "answered".
        if re.match(r"^Q\d+", self.challenge_id):
            self.verdict = "answered"
        elif self.verdict == "answered":
            self.verdict = "resolved"
        return self
    _aliases: ClassVar[dict[str, str]] = {
        "id": "challenge_id", "challenge": "challenge_id", "target": "challenge_id", "status": "verdict",
                "result": "verdict", "answer": "text", "response": "text", "rebuttal": "text", "reply": "text",
                "evidence": "citations", "evidence_ids": "citations"}


class RejectedOut(_Out):
    id: str = ""
    title: str = ""
    reason: str = ""
    _aliases: ClassVar[dict[str, str]] = {"hypothesis_id": "id", "hypothesis": "id", "name": "title", "why": "reason"}


class _Reply(_Out):
    summary: str = Field(min_length=1, description="One or two sentences.")
    claims: list[ClaimOut] = Field(default_factory=list)
    confidence: Fraction = Field(description="0..1, confidence in the leading hypothesis.")
    answers: list[AnswerOut] = Field(default_factory=list, description="Answers to the humans' questions put to you: "
                                     "challenge_id = the question's id (Q<n>).")
    _aliases: ClassVar[dict[str, str]] = {
        "conclusion": "summary", "overall": "summary", "findings": "claims", "key_claims": "claims",
                "observations": "claims", "overall_confidence": "confidence", "score": "confidence"}


class ExpertOut(_Reply):
    hypotheses: list[HypothesisOut] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _confidence_of_hypotheses(cls, data: Any) -> Any:
        # A reply that rates only its hypotheses: its confidence is that of the strongest one.
        if isinstance(data, dict) and "confidence" not in data and isinstance(data.get("hypotheses"), list):
            rated = [_fraction(h.get("confidence")) for h in data["hypotheses"] if isinstance(h, dict)]
            rated = [r for r in rated if isinstance(r, float)]
            if rated:
                data = {**data, "confidence": max(rated)}
        return data


class CriticOut(_Reply):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_require("consensus"))
    challenges: list[ChallengeOut] = Field(description="Ids read C<round>-<kind>, e.g. C1-timing.")
    consensus: Bool = Field(default=False, description="True only when no material objection remains.")
    _aliases: ClassVar[dict[str, str]] = {**_Reply._aliases, "objections": "challenges", "issues": "challenges",
                "agreed": "consensus", "agreement": "consensus"}


class RebuttalOut(_Reply):
    answers: list[AnswerOut] = Field(description="One answer per challenge of the latest critique.")
    hypotheses: list[HypothesisOut] = Field(default_factory=list,
                                            description="Restated hypotheses, if their status changed.")
    _aliases: ClassVar[dict[str, str]] = {
        **_Reply._aliases, "responses": "answers", "rebuttals": "answers", "replies": "answers"}


class JudgmentOut(_Out):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_require(
        "root_cause_location", "suspect_commit", "fix_suggestion", "impact_analysis", "responsible_team"))
    root_cause: str = Field(min_length=1)
    root_cause_location: Location = None
    suspect_commit: Annotated[CommitOut | None, BeforeValidator(_commit)] = None
    evidence_chain: Ids = Field(description="Ledger ids in reading order: symptom → code → change → release → owner.")
    fix_suggestion: str = ""
    impact_analysis: str = ""
    risk_level: Annotated[Severity, BeforeValidator(lambda v: _choice(_SEVERITIES, v))]
    rollback_recommended: Bool
    responsible_team: Annotated[str | None, BeforeValidator(_nullable)] = None
    confidence: Fraction
    abstained: Bool = False
    missing: list[str] = Field(default_factory=list)
    rejected_hypotheses: list[RejectedOut] = Field(default_factory=list)
    hypothesis_id: Annotated[str | None, BeforeValidator(_nullable)] = Field(
        default=None, description="The id of the hypothesis you rule for; never a rejected one.")
    _aliases: ClassVar[dict[str, str]] = {"hypothesis": "hypothesis_id", "ruled_hypothesis": "hypothesis_id",
                "cause": "root_cause", "location": "root_cause_location", "code_location": "root_cause_location",
                "commit": "suspect_commit", "culprit_commit": "suspect_commit", "evidence": "evidence_chain",
                "chain": "evidence_chain", "evidence_ids": "evidence_chain", "fix": "fix_suggestion",
                "remediation": "fix_suggestion", "impact": "impact_analysis", "risk": "risk_level",
                "severity": "risk_level", "rollback": "rollback_recommended", "should_rollback": "rollback_recommended",
                "team": "responsible_team", "owner": "responsible_team", "owning_team": "responsible_team",
                "rejected": "rejected_hypotheses", "abstain": "abstained", "missing_evidence": "missing"}

    @field_validator("missing", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        return [] if value is None else ([value] if isinstance(value, str) else value)


class JudgeOut(_Reply):
    judgment: JudgmentOut
    _aliases: ClassVar[dict[str, str]] = {
        **_Reply._aliases, "ruling": "judgment", "verdict": "judgment", "decision": "judgment"}

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, data: Any) -> Any:
        # Many models flatten the ruling into the top level; the summary and confidence then come from it.
        if not isinstance(data, dict):
            return data
        keys = {_snake(str(k)) for k in data}
        if not keys & {"judgment", "ruling", "verdict", "decision"} and "root_cause" in keys:
            data = {"judgment": data, "summary": data.get("summary") or data.get("root_cause"),
                    "confidence": data.get("confidence"), "claims": data.get("claims", [])}
        elif isinstance(judgment := data.get("judgment"), dict):
            data = {**data, "summary": data.get("summary") or judgment.get("root_cause"),
                    "confidence": data.get("confidence", judgment.get("confidence"))}
        return data


_MODEL_OF_KIND: dict[str, type[_Reply]] = {
    "expert": ExpertOut, "critic": CriticOut, "rebuttal": RebuttalOut, "judge": JudgeOut}
# Each agent's reply model, read from its AgentSpec (spec.output names the kind).
OUTPUT_MODELS: dict[AgentName, type[_Reply]] = {name: _MODEL_OF_KIND[s.output] for name, s in AGENT_SPECS.items()}


@functools.cache
def output_schema(agent: AgentName) -> dict[str, Any]:
    """The JSON schema of `agent`'s reply (shown in the prompt, and sent as response_format when supported).

    Cached: treat the returned dict as read-only.
    """
    def compact(node: Any, parent: str = "") -> Any:
        # Drop pydantic's "title" annotations (noise for the model) but keep properties that are named "title".
        if isinstance(node, dict):
            return {k: compact(v, k) for k, v in node.items()
                    if not (k == "title" and isinstance(v, str) and parent != "properties")}
        if isinstance(node, list):
            return [compact(v) for v in node]
        return node

    return compact(OUTPUT_MODELS[agent].model_json_schema())


def _problem(error: Any) -> str:
    where = ".".join(str(p) for p in error["loc"]) or "(root)"
    given = error.get("input")
    quoted = json.dumps(given, ensure_ascii=False)[:60]
    shown = "" if error["type"] == "missing" or isinstance(given, dict | list) else f" (got {quoted})"
    return f"{where}: {error['msg']}{shown}"


def _expected(model: type[_Out]) -> frozenset[str]:
    return frozenset(model.model_fields) | frozenset(model._aliases)


def parse_output(agent: AgentName, text: str) -> _Reply:
    """Parse and validate a model's reply for `agent`, accepting the variants real models write.

    Raises:
        OutputInvalid: not JSON, or not valid for the agent's schema; the message lists what to fix, quoting
            the values that did not fit.
    """
    model = OUTPUT_MODELS[agent]
    data = extract_json(text, _expected(model))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(e) for e in exc.errors()[:10]]
        raise OutputInvalid("The JSON does not match the schema: " + "; ".join(problems)) from exc


def _prefixed(agent: AgentName, hypotheses: list[HypothesisOut]) -> list[Hypothesis]:
    """Experts run concurrently: give each expert's hypotheses its own id prefix so they cannot collide."""
    prefix = HYPOTHESIS_PREFIX.get(agent)
    out = []
    for i, h in enumerate(hypotheses):
        data = h.model_dump()
        if prefix is not None and not h.id.startswith(prefix):
            data["id"] = f"{prefix}{h.id.lstrip('H') or i + 1}"
        elif not h.id:
            data["id"] = f"H{i + 1}"
        out.append(Hypothesis.model_validate(data))
    return out


def to_reply(agent: AgentName, out: _Reply, ledger: list[Evidence]) -> AgentReply:
    """The AgentReply for a validated output; the judge's chain is resolved against the ledger (unknown ids dropped)."""
    fields: dict[str, Any] = {
        "summary": out.summary, "confidence": out.confidence,
        "claims": [Claim(text=c.text, citations=c.citations) for c in out.claims],
    }
    if isinstance(out, ExpertOut | RebuttalOut):
        fields["hypotheses"] = _prefixed(agent, out.hypotheses)
    if isinstance(out, CriticOut):
        fields.update(challenges=[Challenge.model_validate(c.model_dump()) for c in out.challenges],
                      consensus=out.consensus)
    if out.answers:  # the rebuttal's answers to challenges; any agent's answers to the humans' questions
        fields["answers"] = [Answer.model_validate(a.model_dump()) for a in out.answers]
    if isinstance(out, JudgeOut):
        by_id = {e.id: e for e in ledger}
        chain = [EvidenceRef(id=e.id, kind=e.kind, source=e.source, text=e.text)
                 for i in dict.fromkeys(out.judgment.evidence_chain) if (e := by_id.get(i))]
        fields["judgment"] = Judgment.model_validate(
            {**out.judgment.model_dump(exclude={"evidence_chain"}), "evidence_chain": chain})
    return AgentReply(**fields)


def map_strings(model: BaseModel, fn: Any) -> Any:
    """A copy of `model` with `fn` applied to every string inside it (used to restore redacted values)."""
    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return fn(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return type(model).model_validate(walk(model.model_dump()))
