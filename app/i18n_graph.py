"""UI strings of the asset graph page, in Chinese and English."""

from __future__ import annotations

__all__ = ["GRAPH_STRINGS"]

# key -> (zh, en)
GRAPH_STRINGS: dict[str, tuple[str, str]] = {
    "nav.graph": ("资产图谱", "Asset graph"),
    "graph.title": ("资产图谱", "Asset graph"),
    "graph.caption": ("以主要异常为中心的关联：代码、提交、团队、领域设计、API 与数据表。高亮路径从异常通向设计元素。",
                      "What the dominant exception connects to: code, commits, teams, the domain design, APIs and "
                      "tables. The highlighted path leads from the exception to the design."),
    "graph.kinds": ("节点类型", "Node kinds"),
    "graph.depth": ("深度", "Depth"),
    "graph.context": ("限界上下文", "Bounded context"),
    "graph.all_contexts": ("全部", "All"),
    "graph.focus": ("中心节点", "Focus"),
    "graph.reset": ("回到异常", "Back to the exception"),
    "graph.empty": ("该事件还没有图谱：先导入包含代码仓库的资产。", "No graph for this incident yet: ingest assets with a repository first."),
    "graph.truncated.one": ("为保持流畅，省略了 {n} 个较远的节点；请缩小深度或按类型过滤。",
                            "{n} farther node is left out to keep the view responsive; lower the depth or filter by kind."),
    "graph.truncated": ("为保持流畅，省略了 {n} 个较远的节点；请缩小深度或按类型过滤。",
                        "{n} farther nodes are left out to keep the view responsive; lower the depth or filter by kind."),
    "graph.stats": ("{nodes} 个节点 · {edges} 条边 · 路径 {path} 步", "{nodes} nodes · {edges} edges · path of {path} steps"),
    "graph.details": ("节点详情", "Node details"),
    "graph.pick": ("点击图中的节点查看详情。", "Click a node in the graph to see its details."),
    "graph.neighbours": ("相邻节点", "Neighbours"),
    "graph.col_edge": ("关系", "Relation"),
    "graph.col_dir": ("方向", "Direction"),
    "graph.col_node": ("节点", "Node"),
    "graph.backend": ("图存储：{b}", "Graph store: {b}"),
    "graph.legend": ("图例", "Legend"),
}
