"""What each kind of change link means, in Chinese (the links' own text is English): for evidence and rulings."""

from __future__ import annotations

__all__ = ["LINK_KIND_ZH", "LINK_ZH", "link_zh"]

#: A link kind's short name.
LINK_KIND_ZH = {
    "frame_line": "出错行", "frame_method": "出错方法", "frame_file": "出错文件", "call_graph": "调用关系",
    "sql": "SQL", "log_string": "日志文本", "config": "配置", "dependency": "依赖", "resource_leak": "资源泄漏",
    "data_flow": "数据流",
}

#: What the change did, by link kind; ``{where}`` is the link's file:line.
LINK_ZH = {
    "frame_line": "它写下了出错行 {where}",
    "frame_method": "它修改了出错方法（{where}）",
    "frame_file": "它修改了出错代码所在的文件（{where}）",
    "call_graph": "它修改了与出错代码相距一次调用的方法（{where}）",
    "sql": "它修改了一条查询（{where}），该表上的语句在其后变慢",
    "log_string": "它加入的文本（{where}）正出现在突增后的错误里",
    "config": "它修改的配置（{where}）正对应出问题的资源（连接池、超时、容量或序列化）",
    "dependency": "它修改了依赖版本（{where}），随后运行时找不到类或方法",
    "resource_leak": "它新增的资源获取（{where}）没有释放，连接池随后耗尽",
    "data_flow": "它改变了数据的写入方式（{where}），下游读到该数据时出错",
}


def link_zh(kind: str, path: str | None, line: int | None) -> str:
    """One change link said in Chinese."""
    where = f"{path}:{line}" if path and line else path or "?"
    return LINK_ZH.get(kind, "它与症状相关（{where}）").format(where=where)
