"""Evidence kinds in Chinese and English (the ledger's statements carry their own two languages)."""

from __future__ import annotations

__all__ = ["EVIDENCE_STRINGS"]

# key -> (zh, en)
EVIDENCE_STRINGS: dict[str, tuple[str, str]] = {
    "evkind.exception": ("异常", "exception"),
    "evkind.log_burst": ("日志突增", "log burst"),
    "evkind.stack_frame": ("栈帧", "stack frame"),
    "evkind.blame": ("代码归属（blame）", "blame"),
    "evkind.commit": ("提交", "commit"),
    "evkind.change_link": ("变更关联", "change link"),
    "evkind.deploy": ("发布", "release"),
    "evkind.design": ("设计", "design"),
    "evkind.ownership": ("归属", "ownership"),
    "evkind.metric_anomaly": ("指标异常", "metric anomaly"),
    "evkind.trace": ("链路", "trace"),
    "evkind.slow_sql": ("慢 SQL", "slow SQL"),
    "evkind.log_noise": ("日志噪声", "log noise"),
    "evkind.timeline": ("时间线", "timeline"),
    "evkind.human": ("人工补充", "from a person"),
}
