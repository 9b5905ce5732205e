"""Evidence kinds in Chinese and English (the ledger's statements carry their own two languages)."""

from __future__ import annotations

from core.i18n import Text

__all__ = ["STRINGS"]

STRINGS: dict[str, Text] = {
    "evkind.exception": Text(en="exception", zh="异常"),
    "evkind.log_burst": Text(en="log burst", zh="日志突增"),
    "evkind.stack_frame": Text(en="stack frame", zh="栈帧"),
    "evkind.blame": Text(en="blame", zh="代码归属（blame）"),
    "evkind.commit": Text(en="commit", zh="提交"),
    "evkind.change_link": Text(en="change link", zh="变更关联"),
    "evkind.deploy": Text(en="release", zh="发布"),
    "evkind.design": Text(en="design", zh="设计"),
    "evkind.ownership": Text(en="ownership", zh="归属"),
    "evkind.metric_anomaly": Text(en="metric anomaly", zh="指标异常"),
    "evkind.trace": Text(en="trace", zh="链路"),
    "evkind.slow_sql": Text(en="slow SQL", zh="慢 SQL"),
    "evkind.log_noise": Text(en="log noise", zh="日志噪声"),
    "evkind.timeline": Text(en="timeline", zh="时间线"),
    "evkind.human": Text(en="from a person", zh="人工补充"),
}
