"""An offline text embedding for the case library: hashed character n-grams and words, zh and en, in numpy.

No model is downloaded: Chinese is embedded by character uni/bi/tri-grams, English and code by words
(camelCase and snake_case split too) and character trigrams, and a small bilingual SRE glossary maps
both languages onto shared concept tokens so that 连接池 and "connection pool" land on the same axes.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter

import numpy as np

__all__ = ["DIM", "concepts", "embed", "embed_many"]

DIM = 1024
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z][a-z0-9]+|[0-9]{3,}")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_STOP = {"the", "and", "for", "with", "from", "that", "this", "was", "were", "are", "not", "but", "its", "into",
         "after", "before", "then", "when", "all", "our", "has", "had", "have", "been", "than", "per", "one"}
# concept: (Chinese surface forms, English surface forms) — matched as substrings of the normalised text.
_GLOSSARY: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "pool": (("连接池",), ("connection pool", "hikari", "pool exhausted", "connection is not available", "pending")),
    "lock": (("行锁", "悲观锁", "加锁", "锁等待", "锁住", "持锁"),
             ("row lock", "lock wait", "for update", "pessimistic", "locking")),
    "timeout": (("超时",), ("timeout", "timed out", "time out")),
    "transaction": (("事务",), ("transaction", "transactional")),
    "remote_call": (("外部系统", "远程调用", "同步调用", "网关", "风控"),
                    ("remote call", "external system", "gateway", "http call")),
    "memory": (("内存", "堆", "老年代", "内存泄漏"), ("memory", "heap", "old gen", "leak", "oom")),
    "gc": (("垃圾回收", "full gc"), ("garbage collection", " gc ", "gc pause")),
    "slow_sql": (("慢查询", "慢sql"), ("slow query", "slow sql", "lock_time")),
    "config": (("配置", "配置中心"), ("config", "configuration", "config-center")),
    "deploy": (("上线", "发布", "部署"), ("deploy", "release", "rollout")),
    "rollback": (("回滚",), ("rollback", "roll back", "revert")),
    "payment": (("支付",), ("payment", "paygate", "charge")),
    "inventory": (("库存", "预占"), ("inventory", "stock", "reservation", "reserve")),
    "order": (("订单", "下单"), ("order", "checkout", "place order")),
    "flash_sale": (("秒杀", "大促", "抢购", "双十一", "零点"), ("flash sale", "flash-sale", "peak traffic")),
    "error_5xx": (("5xx", "503", "500"), ("5xx", "503", "server error", "unavailable")),
    "latency": (("延迟", "耗时", "变慢", "p99"), ("latency", "p99", "slow")),
    "cache": (("缓存",), ("cache",)),
    "database": (("数据库", "mysql", "主库", "从库"), ("database", "mysql", "jdbc", "sql")),
    "exhausted": (("耗尽", "打满", "顶满"), ("exhausted", "exhaustion", "saturated")),
    "read_only": (("只读",), ("read-only", "read only", "replica")),
}


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def concepts(text: str) -> list[str]:
    """Language-neutral concept tokens found in `text` (e.g. 连接池 → §pool, 'Hikari' → §pool)."""
    low = f" {_norm(text)} "
    return [f"§{name}" for name, (zh, en) in _GLOSSARY.items() if any(s in low for s in zh + en)]


def _features(text: str) -> Counter[str]:
    feats: Counter[str] = Counter()
    split = _CAMEL.sub(" ", unicodedata.normalize("NFKC", text)).replace("_", " ")
    low = _norm(split)
    for run in _CJK.findall(low):
        for n, weight in ((1, 1), (2, 2), (3, 2)):
            for i in range(len(run) - n + 1):
                feats[f"c{n}:{run[i:i + n]}"] += weight
    for word in _WORD.findall(low):
        if word in _STOP:
            continue
        feats[f"w:{word}"] += 2
        padded = f"^{word}$"
        for i in range(len(padded) - 2):
            feats[f"t:{padded[i:i + 3]}"] += 1
    for token in concepts(text):
        feats[token] += 6
    return feats


def embed(text: str) -> np.ndarray:
    """A unit-length float32 vector of `DIM` dimensions (zeros for empty text)."""
    vec = np.zeros(DIM, dtype=np.float32)
    for feat, count in _features(text).items():
        h = zlib.crc32(feat.encode("utf-8"))
        vec[h % DIM] += (1.0 if (h >> 31) & 1 else -1.0) * (1.0 + math.log(count))
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


def embed_many(texts: list[str]) -> np.ndarray:
    return np.stack([embed(t) for t in texts]) if texts else np.zeros((0, DIM), dtype=np.float32)
