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
    "graph.neighbourhood": ("展开邻域", "Show the neighbourhood"),
    "graph.neighbourhood_help": ("默认只显示故障的主线：异常 → 代码 → 变更与作者、负责团队与领域设计。打开后显示周边更多节点，可按类型、深度和上下文过滤。",
                                 "By default only the failure's story is drawn: exception → code → the change and its author, "
                                 "the owning team and the design. Turn this on for the nodes around it, filtered by kind, "
                                 "depth and context."),
    "graph.story_stats": ("故障主线：{nodes} 个节点（从异常到变更、团队与设计）",
                          "The failure's story: {nodes} nodes, from the exception to the change, the team and the design"),
    "graph.pick_node": ("查看节点", "Node"),
    "graph.pick": ("点击图中的节点查看详情。", "Click a node in the graph to see its details."),
    "graph.neighbours": ("相邻节点", "Neighbours"),
    "graph.col_edge": ("关系", "Relation"),
    "graph.col_dir": ("方向", "Direction"),
    "graph.col_node": ("节点", "Node"),
    "graph.backend": ("图存储：{b}", "Graph store: {b}"),
    "graph.legend": ("图例", "Legend"),
    "graph.col_kind": ("类型", "Kind"),
    "graph.props": ("属性", "Properties"),
    "graph.prop": ("属性", "Property"),
    "graph.value": ("值", "Value"),
    "graph.out": ("指向", "to"),
    "graph.in": ("来自", "from"),
}

# Node kinds and relations of the incident graph (core.graph.NODE_KINDS / EDGE_KINDS).
GRAPH_STRINGS.update({
    "kind.exception": ("异常", "exception"), "kind.frame": ("栈帧", "stack frame"), "kind.method": ("方法", "method"),
    "kind.class": ("类", "class"), "kind.file": ("文件", "file"), "kind.commit": ("提交", "commit"),
    "kind.author": ("作者", "author"), "kind.team": ("团队", "team"), "kind.aggregate": ("聚合", "aggregate"),
    "kind.bounded_context": ("限界上下文", "bounded context"), "kind.api_operation": ("API 操作", "API operation"),
    "kind.table": ("数据表", "table"), "kind.slow_sql": ("慢 SQL", "slow SQL"), "kind.endpoint": ("接口端点", "endpoint"),
    "kind.invariant": ("不变量", "invariant"), "kind.rule": ("业务规则", "business rule"),
    "rel.thrown_at": ("抛出于", "thrown at"), "rel.in_method": ("所在方法", "in method"),
    "rel.in_class": ("所在类", "in class"), "rel.in_file": ("所在文件", "in file"), "rel.changed_by": ("被修改于", "changed by"),
    "rel.authored_by": ("作者", "authored by"), "rel.owned_by": ("归属团队", "owned by"), "rel.member_of": ("成员", "member of"),
    "rel.in_context": ("所属上下文", "in context"), "rel.exposes": ("暴露", "exposes"),
    "rel.persists_to": ("持久化到", "persists to"), "rel.touches": ("访问", "touches"), "rel.calls": ("调用", "calls"),
    "rel.uses": ("使用", "uses"), "rel.extends": ("继承", "extends"), "rel.implements": ("实现", "implements"),
    "rel.routes_to": ("路由到", "routes to"), "rel.constrains": ("约束", "constrains"), "rel.mentions": ("提及", "mentions"),
})
