"""Build large Loghub-like logs for the template-miner benchmark (written to bench/out/).

Each system's 2k sample is resampled to the requested size; numbers get longer or shorter here
and there, every digit is re-drawn at random and hex letters sitting between digits (ids such as
``0x00544eb8``) are re-drawn too, so values vary line to line while the events and their
frequencies stay those of the real sample. One file per system is written, since one log file
holds one system's format.

It also writes small Logback (with stack traces), JSON, nginx and syslog logs with their own
ground truth to ``<out>/shapes/``, to check the miner on shapes that are not in Loghub.

usage: python bench/gen_big_log.py [--lines 3200000] [--data DIR] [--out bench/out] [--seed 7]
                                   [--shapes 3000]
"""

from __future__ import annotations

import argparse
import csv
import pathlib
import re
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "loghub2k"
SYSTEMS = ["HDFS", "Hadoop", "Spark", "Zookeeper", "BGL", "HPC", "Apache", "OpenSSH"]
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_DIGIT_RUN = re.compile(rb"\d+")


def _vary(buf: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Re-draw digits, and hex letters that sit between digits, keeping every byte's position."""
    out = buf.copy()
    dig = (buf - 48) < 10
    out[dig] = rng.integers(48, 58, int(dig.sum()), dtype=np.uint8)
    af = (buf - 97) < 6
    between = np.zeros_like(af)
    between[1:-1] = af[1:-1] & dig[:-2] & dig[2:]
    out[between] = _HEX[rng.integers(0, 16, int(between.sum()))]
    return out


def _length_variants(lines: list[bytes], copies: int, rng: np.random.Generator) -> list[bytes]:
    """Copies of the lines whose digit runs are one digit longer or shorter here and there."""
    out = list(lines)
    for _ in range(copies):
        for ln in lines:
            out.append(
                _DIGIT_RUN.sub(
                    lambda m: m.group()[: max(1, len(m.group()) + int(rng.integers(-1, 2)))]
                    + (b"7" if len(m.group()) > 1 and rng.random() < 0.3 else b""),
                    ln,
                )
            )
    return out


def generate(
    sample: pathlib.Path, out: pathlib.Path, n_lines: int, rng: np.random.Generator, *, vary: bool = True
) -> int:
    """Write ``n_lines`` resampled lines of ``sample`` to ``out``; returns bytes written.

    With ``vary`` (the default) values are re-drawn as described above; without it the sample's
    lines are repeated verbatim, which is the easiest case for a tree-based parser like drain3.
    """
    raw = [ln + b"\n" for ln in sample.read_bytes().splitlines() if ln.strip()]
    lines = _length_variants(raw, 3, rng) if vary else raw
    lengths = np.array([len(ln) for ln in lines], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    pool = np.frombuffer(b"".join(lines), dtype=np.uint8)
    written = 0
    with out.open("wb") as fh:
        for lo in range(0, n_lines, 200_000):
            pick = rng.integers(0, len(lines), min(200_000, n_lines - lo))
            sizes = lengths[pick]
            # byte index of every output byte: start of its source line + position inside it
            within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            chunk = pool[np.repeat(starts[pick], sizes) + within]
            if vary:
                chunk = _vary(chunk, rng)
            fh.write(chunk.tobytes())
            written += len(chunk)
    return written


# --- other log shapes, with their own ground truth -------------------------------------------
# Each shape is a header format plus events; an event is a message pattern whose {fields} are
# drawn per line. The ground truth template of a line is its pattern with every field as <*>,
# following Loghub's conventions (numbers, ids, paths and URLs are variables).
_USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar",
          "peggy", "rupert", "sybil", "trent", "victor", "walter", "yolanda", "zoe", "admin", "oracle", "postgres",
          "ubuntu", "deploy", "jenkins", "git", "backup", "www-data", "nagios"]
_UAS = ["curl/8.4.0", "kube-probe/1.27", "python-requests/2.31.0", "Go-http-client/1.1"]
_FIELDS = {
    "int": lambda r: str(int(r.integers(0, 10 ** int(r.integers(1, 7))))),
    "ms": lambda r: str(int(r.integers(1, 5000))),
    "float": lambda r: f"{r.random() * 1000:.2f}",
    "user": lambda r: _USERS[int(r.integers(0, len(_USERS)))],
    "ip": lambda r: ".".join(str(int(x)) for x in r.integers(1, 255, 4)),
    "port": lambda r: str(int(r.integers(1024, 65535))),
    "uuid": lambda r: "-".join(r.bytes(n).hex() for n in (4, 2, 2, 2, 6)),
    "hex": lambda r: r.bytes(8).hex(),
    "host": lambda r: f"db-{int(r.integers(1, 40))}.internal",
    "path": lambda r: "/var/data/" + "/".join(_USERS[int(i)] for i in r.integers(0, 10, 2)) + ".dat",
    "pid": lambda r: str(int(r.integers(100, 40000))),
    "region": lambda r: ["eu-west-1", "us-east-2", "ap-south-1", "sa-east-1"][int(r.integers(0, 4))],
    "file": lambda r: f"app.{r.bytes(4).hex()}",
}
_FIELD_RE = re.compile(r"\{(\w+)\}")


def _fill(pattern: str, r: np.random.Generator) -> str:
    return _FIELD_RE.sub(lambda m: _FIELDS[m.group(1)](r), pattern)


def _truth(pattern: str) -> str:
    return _FIELD_RE.sub("<*>", pattern)


_LOGBACK_EVENTS = [
    ("INFO ", "com.acme.shop.OrderService", "Order {int} created for customer {user}"),
    ("INFO ", "com.acme.shop.PaymentClient", "Payment of {float} EUR authorised for order {int}"),
    ("WARN ", "com.acme.shop.PaymentClient", "Payment declined for order {int}: insufficient funds"),
    ("INFO ", "com.acme.auth.AuthService", "User {user} logged in from {ip}"),
    ("WARN ", "com.acme.auth.AuthService", "Login failed for user {user} from {ip}"),
    ("INFO ", "com.acme.web.HttpLogger", "Request {uuid} completed in {ms} ms with status {int}"),
    ("WARN ", "com.acme.db.Pool", "Retrying connection to {host}:{port} (attempt {int} of 5)"),
    ("DEBUG", "com.acme.cache.Stats", "Cache hit ratio {float} for region {region}"),
]
_STACK = [
    "java.lang.IllegalStateException: card declined",
    "\tat com.acme.shop.PaymentClient.charge(PaymentClient.java:88)",
    "\tat com.acme.shop.OrderService.pay(OrderService.java:41)",
    "\tat com.acme.web.OrderController.checkout(OrderController.java:120)",
    "Caused by: java.net.SocketTimeoutException: Read timed out",
    "\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)",
    "\t... {int} more",
]
_JSON_EVENTS = [
    '{"ts":"{ts}","level":"info","msg":"request served","method":"GET","path":"/api/orders/{int}","status":200,'
    '"ms":{ms}}',
    '{"ts":"{ts}","level":"info","msg":"order created","order":{int},"user":"{user}"}',
    '{"ts":"{ts}","level":"warn","msg":"slow query","query_id":"{hex}","ms":{ms}}',
    '{"ts":"{ts}","level":"error","msg":"upstream timeout","upstream":"{host}:{port}","attempt":{int}}',
    '{"ts":"{ts}","level":"info","msg":"cache miss","key":"session:{uuid}"}',
]
_NGINX_EVENTS = [
    ('GET /api/orders/{int} HTTP/1.1', 200),
    ("POST /api/orders HTTP/1.1", 201),
    ("GET /health HTTP/1.1", 200),
    ("GET /static/{file}.js HTTP/1.1", 304),
    ("DELETE /api/orders/{int} HTTP/1.1", 204),
]
_SYSLOG_EVENTS = [
    ("sshd", "Accepted publickey for {user} from {ip} port {port} ssh2"),
    ("sshd", "pam_unix(sshd:session): session opened for user {user} by (uid=0)"),
    ("sshd", "Connection closed by {ip} port {port} [preauth]"),
    ("CRON", "({user}) CMD (run-parts /etc/cron.hourly)"),
    ("kernel", "Out of memory: Killed process {pid} (java) total-vm:{int}kB"),
    ("systemd", "Started Session {int} of user {user}."),
    ("backup", "wrote {int} bytes to {path} in {float} s"),
]


def write_shapes(out_dir: pathlib.Path, n_lines: int, rng: np.random.Generator) -> list[str]:
    """Write Logback (with stack traces), JSON, nginx and syslog samples with ground truth.

    Args:
        out_dir: Folder for ``<shape>.log`` and ``<shape>_truth.csv`` (LineId, EventTemplate).
        n_lines: About how many lines per shape.
        rng: Random source.

    Returns:
        The shape names written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    shapes: dict[str, list[tuple[str, str]]] = {"logback": [], "json": [], "nginx": [], "syslog": []}
    t0 = 1_709_290_800
    for i in range(n_lines):
        t = t0 + i * 3
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))
        level, logger, pattern = _LOGBACK_EVENTS[int(rng.integers(0, len(_LOGBACK_EVENTS)))]
        thread = ["main", f"http-nio-8080-exec-{int(rng.integers(1, 20))}", "scheduler-1"][int(rng.integers(0, 3))]
        head = f"{stamp}.{int(rng.integers(0, 1000)):03d} [{thread}] {level} {logger} - "
        if rng.random() < 0.03:
            msg = "Unhandled exception while processing order {int}"
            shapes["logback"].append((head.replace("INFO ", "ERROR").replace("WARN ", "ERROR") + _fill(msg, rng),
                                      _truth(msg)))
            for frame in _STACK:
                shapes["logback"].append((_fill(frame, rng), _truth(frame).strip()))
        else:
            shapes["logback"].append((head + _fill(pattern, rng), _truth(pattern)))
        js = _JSON_EVENTS[int(rng.integers(0, len(_JSON_EVENTS)))]
        iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(rng.integers(0, 1000)):03d}Z"
        shapes["json"].append((_fill(js.replace("{ts}", iso), rng), _truth(js.replace("{ts}", "{x}"))))
        req, status = _NGINX_EVENTS[int(rng.integers(0, len(_NGINX_EVENTS)))]
        clf = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(t))
        user = "-" if rng.random() < 0.8 else _FIELDS["user"](rng)
        ua = _UAS[int(rng.integers(0, len(_UAS)))]
        body = f'"{req}" {status} {{int}} "-" "{ua}"'
        line = f"{_FIELDS['ip'](rng)} - {user} [{clf}] " + _fill(body, rng)
        method = req.split()[0]  # Loghub convention: paths, numbers and ids are variables
        shapes["nginx"].append((line, f'"{method} <*> <*>" <*> <*> "-" "<*>"'))
        prog, pattern = _SYSLOG_EVENTS[int(rng.integers(0, len(_SYSLOG_EVENTS)))]
        sys_stamp = time.strftime("%b %d %H:%M:%S", time.gmtime(t)).replace(" 0", "  ", 1)
        pid = "" if prog == "kernel" else f"[{_FIELDS['pid'](rng)}]"
        shapes["syslog"].append((f"{sys_stamp} web-{int(rng.integers(1, 9))} {prog}{pid}: " + _fill(pattern, rng),
                                 _truth(pattern)))
    for name, rows in shapes.items():
        (out_dir / f"{name}.log").write_text("".join(line + "\n" for line, _ in rows), encoding="utf-8")
        with (out_dir / f"{name}_truth.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["LineId", "EventTemplate"])
            w.writerows((i + 1, tpl) for i, (_, tpl) in enumerate(rows))
    return list(shapes)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=3_200_000, help="total lines over all systems")
    ap.add_argument("--data", type=pathlib.Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=pathlib.Path, default=HERE / "out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--shapes", type=int, default=3000, help="lines per synthetic shape (logback, json, nginx, syslog)")
    a = ap.parse_args()
    if not a.data.is_dir():
        print(f"no Loghub samples at {a.data}", file=sys.stderr)
        return 1
    a.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    per = a.lines // len(SYSTEMS)
    t0 = time.perf_counter()
    for s in SYSTEMS:
        n = generate(a.data / s / f"{s}_2k.log", a.out / f"{s}_big.log", per, rng)
        print(f"{s:<10} {per:>9,} lines {n / 1e6:8.1f} MB -> {a.out / f'{s}_big.log'}")
    names = write_shapes(a.out / "shapes", a.shapes, rng)
    print(f"shapes {', '.join(names)} -> {a.out / 'shapes'}")
    print(f"done in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
