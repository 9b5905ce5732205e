"""The debate orchestrator: experts → critic ⇄ rebuttal rounds → judge, as a persisted event stream."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from autogen_agentchat.messages import StopMessage

from core import audit
from core.agents.base import PHASE_OF, AgentReply, Brain, DebateView
from core.agents.questions import addressee, open_questions, question_id
from core.agents.render import render_reply
from core.agents.ruling_check import check_ruling
from core.agents.spec import evidence_slice
from core.agents.termination import (
    NoMaterialChallenge,
    debate_termination,
    turn_message,
)
from core.audit import Action
from core.auth import ANONYMOUS_LOCAL, Principal, require_principal
from core.errors import DebateError, TribunalError
from core.fusion.facts import FusedContext
from core.fusion.ledger import check_citations
from core.i18n import text
from core.review import carried_note
from core.schema import (
    AgentName,
    AgentTurn,
    Consensus,
    DebateEvent,
    DebateFailed,
    Evidence,
    Intervention,
    Judgment,
    JudgmentReady,
    RoundFinished,
    TokenDelta,
    ToolCall,
    TurnCost,
    TurnFinished,
    TurnStarted,
)
from core.store import Store

__all__ = ["EXPERTS", "Debate", "iterate_sync"]

log = logging.getLogger(__name__)

EXPERTS: tuple[AgentName, ...] = ("LogAgent", "DomainAgent", "CodeAgent")
_DONE = object()


def _now() -> datetime:
    return datetime.now(UTC)


class Debate:
    """One debate over one incident's fused evidence.

    Every event except token deltas is written to the store before it is yielded, so whoever
    watches (CLI, a page, a page reloaded later) sees the same ordered history. Pass `debate_id`
    to resume an unfinished debate: finished turns are kept and only what is missing runs.
    """

    def __init__(
        self,
        store: Store,
        incident_id: str,
        brain: Brain,
        *,
        max_rounds: int = 3,
        language: str | None = None,
        debate_id: str | None = None,
        on_judged: Callable[[Judgment], None] | None = None,
        actor: Principal = ANONYMOUS_LOCAL,
    ) -> None:
        payload = store.load_fusion(incident_id)
        if payload is None:
            raise DebateError(f"Incident {incident_id} has no fused evidence yet; ingest its assets first.")
        self.store = store
        self.brain = brain
        self.max_rounds = max_rounds
        context = FusedContext.model_validate_json(payload)
        context.evidence = store.list_evidence(incident_id)  # human-added evidence joins the ledger
        # A new debate after an approver sent the last ruling back starts with the approver's note.
        carried = None if debate_id else carried_note(store, incident_id)
        if debate_id:
            self.info = store.get_debate(debate_id)
            turns, interventions = store.list_turns(debate_id), store.list_interventions(debate_id)
        else:
            self.info = store.create_debate(incident_id, brain.name)
            turns, interventions = [], []
        self.view = DebateView(
            context=context, turns=turns, interventions=interventions,
            language=(language or context.incident.language),  # type: ignore[arg-type]
        )
        self._on_judged = on_judged
        self.actor = actor  # who started it: the ruling is audited in their name
        self._pending: list[Intervention] = []
        self._lock = threading.Lock()
        self._cancelled = False
        # When the rounds stop: consensus (no material challenge open), rounds used up, or a human's stop.
        self._termination, self._external_stop = debate_termination(max_rounds)
        self._stopped: StopMessage | None = None
        if carried:
            self._queue("note", carried)  # stored and shown before the first turn; the critic raises it

    @property
    def debate_id(self) -> str:
        return self.info.id

    # --- human control (thread-safe: called from the UI thread while the debate runs) ------

    def intervene(self, kind: str, text: str, target: str | None = None, *, actor: Principal | None = None) -> None:
        """Queue a human intervention; it is applied, stored and shown before the next turn.

        Args:
            actor: who intervenes (default: who started the debate).

        Raises:
            Forbidden: `actor` is below analyst (nothing is queued then).
        """
        actor = actor or self.actor
        require_principal(actor, "analyst", "stop a debate" if kind == "cancel" else "intervene in a debate",
                          audit_to=self.store, incident_id=self.info.incident_id)
        self._queue(kind, text, target)
        audit.record(self.store, actor=actor.name, incident_id=self.info.incident_id,
                     action=Action.DEBATE_STOPPED if kind == "cancel" else Action.INTERVENTION,
                     detail={"debate_id": self.debate_id, "kind": kind, "target": target, "chars": len(text)})

    def _queue(self, kind: str, text: str, target: str | None = None) -> None:
        item = Intervention(incident_id=self.info.incident_id, debate_id=self.debate_id, at=_now(),
                            kind=kind, text=text, target=target)  # type: ignore[arg-type]
        with self._lock:
            self._pending.append(item)
            if kind == "cancel":
                self._cancelled = True
                self._external_stop.set()

    def cancel(self, *, actor: Principal | None = None) -> None:
        """Stop after the current turn (audited; `actor` defaults to who started the debate).

        Raises:
            Forbidden: `actor` is below analyst.
        """
        self.intervene("cancel", "stopped by a human", actor=actor)

    # --- the run -----------------------------------------------------------------------------

    def _emit(self, event: DebateEvent) -> DebateEvent:
        return self.store.append_event(event)

    def _drain_interventions(self) -> list[DebateEvent]:
        with self._lock:
            pending, self._pending = self._pending, []
        stored = []
        for item in pending:
            if item.kind == "evidence":
                item = item.model_copy(update={"target": self._add_human_evidence(item.text)})
            event = self._emit(item)
            self.view.interventions.append(event)  # type: ignore[arg-type]
            stored.append(event)
        return stored

    def _add_human_evidence(self, text: str) -> str:
        """A human's piece of evidence joins the ledger with the next id, so agents can cite it."""
        existing = self.store.list_evidence(self.info.incident_id)
        evidence_id = f"E{max((int(e.id[1:]) for e in existing), default=0) + 1}"
        item = Evidence(id=evidence_id, incident_id=self.info.incident_id, kind="human",
                        source=f"human:{self.debate_id}", text=text[:1000], created_at=_now())
        self.store.add_evidence([item])
        self.view.context.evidence.append(item)
        return evidence_id

    def _validate(self, reply: AgentReply) -> AgentReply:
        """Code, not the model, has the last word on evidence: flag claims whose citations do not check out."""
        known = self.view.context.evidence_ids() | {e.id for e in self.store.list_evidence(self.info.incident_id)}
        claims = []
        for claim in reply.claims:
            problems = check_citations(claim.citations, known)
            claims.append(claim.model_copy(update={"valid": not problems, "problems": problems}))
        hypotheses = [h.model_copy(update={"citations": [c for c in h.citations if c in known]})
                      for h in reply.hypotheses]
        asked = {question_id(q) for q in self.view.interventions if q.kind == "question"}
        # An answer to a human's question is an answer, whatever verdict word the model chose for it.
        answers = [a.model_copy(update={"citations": [c for c in a.citations if c in known]}
                                | ({"verdict": "answered"} if a.challenge_id in asked else {})) for a in reply.answers]
        return reply.model_copy(update={"claims": claims, "hypotheses": hypotheses, "answers": answers})

    def _enforce(self, judgment: Judgment) -> Judgment:
        """The ruling checked against the ledger, whichever brain gave it (see core.agents.ruling_check)."""
        return check_ruling(judgment, self.view)

    def _view_for(self, agent: AgentName, round_no: int, answer_only: bool) -> DebateView:
        """What `agent` sees: an expert's first turn holds only its own slice of the ledger and nobody's conclusions."""
        view = self.view.model_copy(update={"round": round_no, "answer_only": answer_only})
        if PHASE_OF[agent] == "experts" and not answer_only:
            context = view.context.model_copy(update={"evidence": evidence_slice(agent, view.context.evidence),
                                                      "key_findings": []})
            view = view.model_copy(update={"context": context, "turns": []})
        return view

    def _note(self, agent: AgentName, reply: AgentReply) -> str:
        """Where code overruled the agent, said in its bubble."""
        if agent == "CriticAgent" and reply.consensus and any(c.material for c in reply.challenges):
            n = sum(c.material for c in reply.challenges)
            return text("debate.consensus_overruled", self.view.language, n=n)
        if agent == "CriticAgent" and reply.consensus is False and not any(c.material for c in reply.challenges):
            return text("debate.consensus_by_objections", self.view.language)
        return ""

    async def _turn(self, agent: AgentName, round_no: int, queue: asyncio.Queue[object],
                    answer_only: bool = False) -> None:
        started = _now()
        await queue.put(TurnStarted(incident_id=self.info.incident_id, debate_id=self.debate_id, at=started,
                                    agent=agent, round=round_no, phase=PHASE_OF[agent]))

        async def stream(chunk: str) -> None:
            await queue.put(TokenDelta(incident_id=self.info.incident_id, debate_id=self.debate_id, at=_now(),
                                       agent=agent, round=round_no, text=chunk))

        async def on_tool(tool: str, arguments: dict[str, Any], status: str, result: str) -> None:
            args = {k: v if v is None or isinstance(v, str | int | float) else str(v) for k, v in arguments.items()}
            await queue.put(ToolCall(incident_id=self.info.incident_id, debate_id=self.debate_id, at=_now(),
                                     agent=agent,
                                     tool=tool, arguments=args, status=status, result=result))  # type: ignore[arg-type]

        view = self._view_for(agent, round_no, answer_only)
        # Only the LLM brain has tools; other brains (and test fakes) keep the plain contract.
        extra: dict[str, Any] = {"on_tool": on_tool} if self.brain.name == "llm" else {}
        reply = self._validate(await self.brain.reply(agent, view, stream, **extra))
        if answer_only:  # it spoke to answer the humans: its hypotheses and challenges stand as they were
            questions = {question_id(q) for q in open_questions(view, agent, unaddressed=False)}
            answers = [a for a in reply.answers if a.challenge_id in questions]
            reply = reply.model_copy(update={"hypotheses": [], "challenges": [], "answers": answers, "summary": text(
                "debate.answered_questions", self.view.language, n=len(answers))})
        if reply.judgment is not None:
            reply = reply.model_copy(update={"judgment": self._enforce(reply.judgment)})
        brain, model, usage = self.brain.name, self.brain.model_for(agent), None
        if (last := getattr(self.brain, "usage_for_last_turn",
                            None)) is not None and (spent := last(agent)) is not None:
            usage = TurnCost.model_validate(spent.model_dump(include=set(TurnCost.model_fields)))
            if usage.fallback:  # the offline brain answered this turn: say so
                brain, model = "offline", None
        turn = AgentTurn(
            incident_id=self.info.incident_id, debate_id=self.debate_id, seq=0, agent=agent, round=round_no,
            phase=PHASE_OF[agent], brain=brain, model=model, usage=usage, summary=reply.summary,
            body=render_reply(reply, self.view.language), claims=reply.claims, hypotheses=reply.hypotheses,
            challenges=reply.challenges, answers=reply.answers, confidence=reply.confidence, started_at=started,
            finished_at=_now(), note=self._note(agent, reply), answer_only=answer_only,
        )
        await queue.put((turn, reply))

    async def _run_step(self, agents: tuple[AgentName, ...], round_no: int,
                        answer_only: bool = False) -> AsyncIterator[DebateEvent | AgentReply]:
        """Run agents concurrently, yielding their events as they come and each finished reply."""
        queue: asyncio.Queue[object] = asyncio.Queue()
        tasks = [asyncio.create_task(self._turn(a, round_no, queue, answer_only)) for a in agents]
        waiter = asyncio.create_task(self._close_when_done(tasks, queue))
        try:
            while (item := await queue.get()) is not _DONE:
                if isinstance(item, tuple):
                    turn, reply = item
                    turn = turn.model_copy(update={"seq": len(self.view.turns) + 1})
                    self.view.turns.append(turn)
                    yield self._emit(TurnFinished(incident_id=turn.incident_id, debate_id=self.debate_id, at=_now(),
                                                  turn=turn))
                    yield reply
                else:
                    yield self._emit(item)  # type: ignore[arg-type]
            for task in tasks:
                task.result()  # re-raise a failed agent's error
        finally:
            for task in (*tasks, waiter):
                task.cancel()

    @staticmethod
    async def _close_when_done(tasks: list[asyncio.Task[None]], queue: asyncio.Queue[object]) -> None:
        await asyncio.gather(*tasks, return_exceptions=True)
        await queue.put(_DONE)

    def _done(self, agent: AgentName, round_no: int) -> AgentTurn | None:
        return next((t for t in self.view.turns if t.agent == agent and t.round == round_no and not t.answer_only),
                    None)

    def _askees(self, speakers: tuple[AgentName, ...]) -> tuple[AgentName, ...]:
        """Agents a human question is put to that will not speak in `speakers`: they answer in a turn of their own."""
        asked = {addressee(q, self.view) for q in self.view.interventions if q.kind == "question"}
        return tuple(a for a in (*EXPERTS, "CriticAgent", "RebuttalAgent")
                     if a in asked and a not in speakers and open_questions(self.view, a, unaddressed=False))

    async def _answer_turns(self, speakers: tuple[AgentName, ...], round_no: int) -> AsyncIterator[DebateEvent]:
        if askees := self._askees(speakers):
            async for item in self._run_step(askees, round_no, answer_only=True):
                if not isinstance(item, AgentReply):
                    yield item

    async def _should_stop(self, turn: AgentTurn | None = None) -> StopMessage | None:
        """Feed a finished turn (or nothing, to hear a human's stop) to the termination condition; once it has
        fired, it stays fired."""
        if self._stopped is None:
            self._stopped = await self._termination([turn_message(turn)] if turn is not None else [])
        return self._stopped

    async def events(self) -> AsyncIterator[DebateEvent]:
        """Run (or resume) the debate, yielding every event in order."""
        incident_id = self.info.incident_id
        self.store.set_incident_status(incident_id, "debating")
        rounds, consensus = 0, False
        try:
            for event in self._drain_interventions():
                yield event
            missing = tuple(a for a in EXPERTS if not self._done(a, 0))
            if missing:
                async for item in self._run_step(missing, 0):
                    if not isinstance(item, AgentReply):
                        yield item
            for round_no in range(1, self.max_rounds + 1):
                for event in self._drain_interventions():
                    yield event
                if await self._should_stop():
                    break
                rounds = round_no
                async for event in self._answer_turns(("CriticAgent", "RebuttalAgent"), round_no):
                    yield event
                if self._done("CriticAgent", round_no) is None:
                    async for item in self._run_step(("CriticAgent",), round_no):
                        if not isinstance(item, AgentReply):
                            yield item
                critic = self._done("CriticAgent", round_no)
                # Code decides, fresh or resumed alike: no material challenge open (the critic's flag is advisory).
                stop = await self._should_stop(critic)
                consensus = stop is not None and NoMaterialChallenge.__name__ in stop.source
                if consensus:
                    yield self._emit(Consensus(incident_id=incident_id, debate_id=self.debate_id, at=_now(),
                                               round=round_no, reason=critic.summary))  # type: ignore[union-attr]
                    yield self._emit(RoundFinished(incident_id=incident_id, debate_id=self.debate_id, at=_now(),
                                                   round=round_no, confidence=critic.confidence))  # type: ignore[union-attr]
                    break
                for event in self._drain_interventions():
                    yield event
                if stop is not None or await self._should_stop():
                    break
                if not self._done("RebuttalAgent", round_no):
                    async for item in self._run_step(("RebuttalAgent",), round_no):
                        if not isinstance(item, AgentReply):
                            yield item
                yield self._emit(RoundFinished(incident_id=incident_id, debate_id=self.debate_id, at=_now(),
                                               round=round_no, confidence=self.view.turns[-1].confidence))
                if await self._should_stop(self._done("RebuttalAgent", round_no)):
                    break
            for event in self._drain_interventions():
                yield event
            if not self._cancelled:
                # After the last round: a round of its own, so these turns never stand in for a critique or rebuttal.
                async for event in self._answer_turns(("JudgeAgent",), rounds + 1):
                    yield event
            if self._cancelled:
                self.store.finish_debate(self.debate_id, "cancelled", rounds, consensus)
                self.store.set_incident_status(incident_id, "ingested")
                return
            judgment: Judgment | None = None
            async for item in self._run_step(("JudgeAgent",), rounds):
                if isinstance(item, AgentReply):
                    judgment = item.judgment
                else:
                    yield item
            if judgment is None:
                raise DebateError("The judge gave no ruling.")
            self.store.save_judgment(self.debate_id, incident_id, judgment)
            audit.record(self.store, actor=self.actor.name, action=Action.RULING, incident_id=incident_id, detail={
                "debate_id": self.debate_id, "brain": self.brain.name, "risk_level": judgment.risk_level,
                "rollback_recommended": judgment.rollback_recommended, "confidence": judgment.confidence})
            yield self._emit(JudgmentReady(incident_id=incident_id, debate_id=self.debate_id, at=_now(),
                                           judgment=judgment))
            self.store.finish_debate(self.debate_id, "finished", rounds, consensus)
            self.store.set_incident_status(incident_id, "judged")
            if self._on_judged is not None:
                self._on_judged(judgment)
            log.info("incident %s: debate %s judged (%d rounds, consensus=%s)", incident_id, self.debate_id, rounds,
                     consensus)
        except (TribunalError, ValueError, KeyError, RuntimeError) as exc:
            log.exception("incident %s: debate %s failed", incident_id, self.debate_id)
            message = str(exc) if isinstance(exc, TribunalError) else f"{type(exc).__name__}: {exc}"
            yield self._emit(DebateFailed(incident_id=incident_id, debate_id=self.debate_id, at=_now(),
                                          message=message))
            self.store.finish_debate(self.debate_id, "failed", rounds, consensus, error=message)
            self.store.set_incident_status(incident_id, "failed")


def iterate_sync(agen: AsyncIterator[DebateEvent]) -> Iterator[DebateEvent]:
    """Drive an async event stream from synchronous code on a private event loop."""
    loop = asyncio.new_event_loop()
    try:
        while True:
            try:
                yield loop.run_until_complete(agen.__anext__())
            except StopAsyncIteration:
                break
    finally:
        loop.run_until_complete(agen.aclose())  # type: ignore[attr-defined]
        loop.close()
