"""Template mining of log files as a user brings them: gzip, binary files, files larger than a chunk."""

from __future__ import annotations

import csv
import gzip
import os
import pathlib
import subprocess
import sys

import pytest

import core.ingest.logs.templates._stream as template_stream
from core.errors import IngestError
from core.ingest.logs.templates import TemplateMiner, write_loghub_csv

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _log_lines(n: int) -> list[str]:
    events = [
        "Accepted publickey for user{u} from 10.0.{a}.{b} port {p} ssh2",
        "Connection closed by 10.0.{a}.{b} port {p} [preauth]",
        "Disk /dev/sd{d} is {b}% full",
        "Worker {p} finished job {u} in {a} ms",
    ]
    out = []
    for i in range(n):
        msg = events[i % len(events)].format(u=i % 97, a=i % 251, b=i % 13, p=1000 + i, d="abc"[i % 3])
        out.append(f"2024-03-01 12:{i // 60 % 60:02d}:{i % 60:02d},{i % 1000:03d} INFO [main] app.Server: {msg}")
    return out


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "NEO4J_"))}
    return subprocess.run([sys.executable, "-m", "core", *args], check=False, capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


def _rows(path: pathlib.Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_gzip_log_gives_the_same_templates_as_the_plain_log(tmp_path: pathlib.Path) -> None:
    text = "\n".join(_log_lines(400)) + "\n"
    plain, packed = tmp_path / "app.log", tmp_path / "app.log.gz"
    plain.write_text(text, encoding="utf-8")
    packed.write_bytes(gzip.compress(text.encode()))
    a, b = TemplateMiner().mine_file(plain), TemplateMiner().mine_file(packed)
    assert len(b) == 400
    assert b.template_ids.equals(a.template_ids) and b.templates == a.templates
    assert "Accepted publickey for <*> from <*> port <*> ssh2" in b.templates.values()


def test_cli_mines_a_gzip_log(tmp_path: pathlib.Path) -> None:
    packed = tmp_path / "app.log.gz"
    packed.write_bytes(gzip.compress(("\n".join(_log_lines(200)) + "\n").encode()))
    out = tmp_path / "app.csv"
    done = _run_cli("logs", "templates", str(packed), "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = _rows(out)
    assert len(rows) == 200 and rows[0]["LineId"] == "1"
    assert rows[2]["EventTemplate"] == "Disk <*> is <*> full"


def test_cli_refuses_a_binary_file_with_exit_2(tmp_path: pathlib.Path) -> None:
    binary = tmp_path / "core.dump"
    binary.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 64 + b"\x00" * 4096)
    out = tmp_path / "out.csv"
    done = _run_cli("logs", "templates", str(binary), "--out", str(out))
    assert done.returncode == 2
    assert "binary" in done.stderr and str(binary) in done.stderr
    assert done.stderr.count("\n") == 1  # one line, no traceback
    assert not out.exists()


def test_text_log_with_a_few_stray_bytes_is_not_called_binary(tmp_path: pathlib.Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(("\n".join(_log_lines(50)) + "\n").encode() + b"2024-03-01 13:00:00 INFO odd \x00\xff bytes\n")
    assert len(TemplateMiner().mine_file(log)) == 51


def test_truncated_gzip_is_a_clear_ingest_error(tmp_path: pathlib.Path) -> None:
    packed = tmp_path / "cut.log.gz"
    packed.write_bytes(gzip.compress(("\n".join(_log_lines(2000)) + "\n").encode())[:-200])
    with pytest.raises(IngestError, match="cannot read log file"):
        TemplateMiner().mine_file(packed)


def test_a_file_read_in_many_chunks_gives_the_same_result(tmp_path: pathlib.Path, monkeypatch) -> None:
    lines = _log_lines(3000)
    log = tmp_path / "big.log"
    log.write_text("\n".join(lines), encoding="utf-8")  # no newline after the last line
    whole = TemplateMiner().mine_lines(lines)
    monkeypatch.setattr(template_stream, "CHUNK_BYTES", 4096)  # ~40 chunks, cut mid-file
    chunked = TemplateMiner().mine_file(log)
    assert len(chunked) == 3000
    assert chunked.template_ids.equals(whole.template_ids)
    assert chunked.templates == whole.templates and chunked.counts == whole.counts


def test_loghub_csv_of_a_chunked_file_has_every_line(tmp_path: pathlib.Path, monkeypatch) -> None:
    log = tmp_path / "big.log"
    log.write_text("\n".join(_log_lines(2500)) + "\n", encoding="utf-8")
    monkeypatch.setattr(template_stream, "CHUNK_BYTES", 8192)
    out = tmp_path / "big.csv"
    assert write_loghub_csv(log, out) == 2500
    rows = _rows(out)
    assert [int(r["LineId"]) for r in rows] == list(range(1, 2501))
    assert len({r["EventId"] for r in rows}) == 4


def test_boolean_values_do_not_split_an_event() -> None:
    msgs = [
        f"window w{i} allDrawn= {a}, startingDisplayed= {b}, visible {c}"
        for i, (a, b, c) in enumerate([("true,", "false,", "true"), ("false,", "false,", "false"),
                                       ("true,", "true,", "null")])
    ]
    ids = set(TemplateMiner().mine(msgs).template_ids.to_pylist())
    assert len(ids) == 1


def test_state_words_still_split_events() -> None:
    users = ["root", "bob", "alice", "carol", "dave", "erin"]
    msgs = [f"session {verb} for user {u}" for verb in ("opened", "closed") for u in users]
    mined = TemplateMiner().mine(msgs)
    assert set(mined.templates.values()) == {"session opened for user <*>", "session closed for user <*>"}


def test_out_of_range_knobs_are_refused() -> None:
    with pytest.raises(ValueError):
        TemplateMiner(similarity=0.0)
    with pytest.raises(ValueError):
        TemplateMiner(max_variants=1)


def test_a_line_without_end_keeps_only_its_head(tmp_path: pathlib.Path, monkeypatch) -> None:
    monkeypatch.setattr(template_stream, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(template_stream, "MAX_LINE_BYTES", 10_000)
    log = tmp_path / "one-line.log.gz"
    with gzip.open(log, "wb") as fh:  # 5 MB of one line, then two normal lines
        fh.write(b"2024-03-01 12:00:00 INFO start " + b"A" * 5_000_000 + b"\n")
        fh.write(b"2024-03-01 12:00:01 INFO done\n2024-03-01 12:00:02 INFO done\n")
    seen = [len(chunk) for chunk in template_stream.iter_line_chunks(log)]
    assert sum(seen) == 3
    mined = TemplateMiner().mine_file(log)
    assert len(mined) == 3 and mined.template_ids[1] == mined.template_ids[2]


@pytest.mark.parametrize("noun", ["user", "utilisateur"])
def test_a_word_followed_by_many_names_is_learned_from_the_log(noun: str) -> None:
    names = ["root", "bob", "alice", "carol", "dave", "erin"]
    msgs = [f"Invalid {noun} {u} from 10.0.0.{i}" for i, u in enumerate(names)]
    msgs += [f"session opened for {noun} root", f"session opened for {noun} bob", f"session closed for {noun} bob"]
    ids = TemplateMiner().mine(msgs).template_ids.to_pylist()
    assert len(set(ids[:6])) == 1
    assert ids[6] == ids[7] != ids[8]  # two names of one event share it; opened and closed stay apart
