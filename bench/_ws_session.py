"""A headless dashboard session over Streamlit's own websocket protocol (for bench_concurrency without Chromium).

It does what the browser's app shell does for this bench: sends reruns with button triggers, switches
pages, and keeps the fragment auto-rerun timers the server asks for (cleared on every full run, as the
frontend does), so the debate page's `st.fragment(run_every=…)` refresh path is the real one.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

__all__ = ["WsSession"]


class WsSession:
    """One browser-like session; `out` collects the timings of one demo load and one debate."""

    def __init__(self, port: int, out: dict[str, Any]) -> None:
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.out = out
        self.ws: Any = None
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.buttons: dict[str, str] = {}  # user key suffix -> widget id, from the latest deltas
        self.finished = asyncio.Event()
        self.timers: dict[str, asyncio.Task[None]] = {}
        self.watch_from: float | None = None

    async def _send_rerun(self, trigger: str | None = None, fragment_id: str = "", page_hash: str | None = None,
                          auto: bool = False) -> None:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.page_script_hash = self.page_hash if page_hash is None else page_hash
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        if trigger:
            cs.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        await self.ws.send(msg.SerializeToString())
        self.out["reruns_sent"] = self.out.get("reruns_sent", 0) + 1
        if auto:
            self.out["auto_reruns"] = self.out.get("auto_reruns", 0) + 1

    def _clear_timers(self, ids: list[str] | None = None) -> None:
        for fid in list(self.timers) if ids is None else ids:
            task = self.timers.pop(fid, None)
            if task is not None:
                task.cancel()

    async def _tick(self, fragment_id: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self._send_rerun(fragment_id=fragment_id, auto=True)

    def _on(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = msg.new_session.page_script_hash or self.page_hash
            if not msg.metadata.run.fragment_ids:  # a full run: the frontend drops every timer
                self._clear_timers()
                self.buttons.clear()
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "auto_rerun":
            fid, every = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            if fid not in self.timers:
                self.timers[fid] = asyncio.ensure_future(self._tick(fid, every))
        elif kind == "stop_auto_rerun":
            self._clear_timers(list(msg.stop_auto_rerun.fragment_ids))
        elif kind == "script_finished":
            self.finished.set()
            self.out["runs_finished"] = self.out.get("runs_finished", 0) + 1
            if self.watch_from is not None:
                self.out["last_finished_s"] = round(time.monotonic() - self.watch_from, 1)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            which = el.WhichOneof("type")
            if which == "button":
                self.buttons[el.button.id.rsplit("-", 1)[-1]] = el.button.id
                if self.watch_from is not None and el.button.id.endswith("w.debate.to_report"):
                    self.out.setdefault("ruling_s", time.monotonic() - self.watch_from)
            elif which == "markdown" and self.watch_from is not None and 'class="tb-chip' in el.markdown.body:
                self.out.setdefault("first_bubble_s", time.monotonic() - self.watch_from)
            if which == "markdown" and self.watch_from is not None and 'class="tb-verdict' in el.markdown.body:
                self.out.setdefault("verdict_s", round(time.monotonic() - self.watch_from, 1))
            elif which == "exception":
                self.out.setdefault("exceptions", []).append(el.exception.message[:200])

    async def _read(self) -> None:
        async for raw in self.ws:
            if isinstance(raw, bytes):
                self._on(ForwardMsg.FromString(raw))

    async def _run(self, until: str | None = None, **kw: Any) -> None:
        """Send a rerun and wait for runs to finish until the button keyed `until` is on the page."""
        self.finished.clear()
        await self._send_rerun(**kw)
        await asyncio.wait_for(self.finished.wait(), 300)
        end = time.monotonic() + 300
        while until is not None and until not in self.buttons and time.monotonic() < end:
            self.finished.clear()  # a run still in flight (the page switch after a load) finishes later
            await asyncio.wait_for(self.finished.wait(), 300)

    async def drive(self, deadline: float, detour: bool = False) -> None:
        """Open the app, load the demo, start the offline debate, watch until the report button shows.

        With `detour`, go to the History page two seconds into the debate and come back two seconds later.
        """
        self.ws = await connect(self.url, max_size=256 * 1024 * 1024, open_timeout=60)
        reader = asyncio.ensure_future(self._read())
        try:
            await self._run(until="w.intake.demo")
            t0 = time.monotonic()
            await self._run(trigger=self.buttons["w.intake.demo"])
            while self.page_hash == self.pages.get("intake", "?") or "w.intake.demo" in self.buttons:
                self.finished.clear()  # the demo's switch to the assets page is its own run
                await asyncio.wait_for(self.finished.wait(), 300)
            self.out["demo_s"] = time.monotonic() - t0
            await self._run(until="w.debate.start", page_hash=self.pages["debate"])
            self.watch_from = time.monotonic()
            await self._run(trigger=self.buttons["w.debate.start"])
            if detour:
                await asyncio.sleep(2)
                await self._run(page_hash=self.pages["history"])
                await asyncio.sleep(2)
                await self._run(page_hash=self.pages["debate"])
            while "ruling_s" not in self.out and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
        finally:
            self._clear_timers()
            reader.cancel()
            await self.ws.close()
