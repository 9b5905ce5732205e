"""What the agents and the debate say: the offline brain's claims, hypotheses, challenges, answers and rulings."""

from __future__ import annotations

from core.i18n import Text

__all__ = ["STRINGS"]

STRINGS: dict[str, Text] = {
    # CodeAgent (core/agents/code_agent.py)
    "code_agent.no_repo_summary": Text(en="I cannot follow the failure into the code: no repository.",
                                       zh="无法把故障追溯到代码：没有代码仓库。"),
    "code_agent.no_repo_claim": Text(en="Code attribution is impossible without the repository.",
                                     zh="没有代码仓库，无法进行代码归因。"),
    "code_agent.location_candidate": Text(en="Location candidate #{n}: {sym} ({file}:{line}){why}.",
                                          zh="定位候选 #{n}：{sym}（{file}:{line}）{why}。"),
    "code_agent.location_why": Text(en=" — {w}", zh="——{w}"),
    "code_agent.why_separator": Text(en="; ", zh="；"),
    "code_agent.change_link_claim": Text(en="{sha} {t}.", zh="{sha}：{t}。"),
    "code_agent.release_shipped": Text(en="Release {tag} shipped it {m:.0f} min before the start.",
                                       zh="发布 {tag} 在开始前 {m:.0f} 分钟上线了该提交。"),
    "code_agent.change_title": Text(en="Change {sha} caused it", zh="变更 {sha} 导致故障"),
    "code_agent.change_statement": Text(en="{sha} by {who} (“{msg}”) changed {file}:{line} ({sym}); {n} link(s) tie "
                                           "it to the symptoms (strongest: {k}).",
                                        zh="{who} 的 {sha}（“{msg}”）修改了 {file}:{line}（{sym}）；{n} "
                                           "条关联把它与症状联系起来（最强：{k}）。"),
    "code_agent.weak_change_claim": Text(en="{sha} by {who} is linked only weakly (score {s:.2f}): {t}.",
                                         zh="{who} 的 {sha} 关联较弱（得分 {s:.2f}）：{t}。"),
    "code_agent.weak_change_title": Text(en="Change {sha} (weak link)", zh="变更 {sha}（弱关联）"),
    "code_agent.weak_change_statement": Text(en="{sha} changed {files} before the onset, but its links do not "
                                                "explain the symptoms well enough.",
                                             zh="{sha} 在突增前修改了 {files}，但其关联不足以解释症状。"),
    "code_agent.no_change_convicted": Text(en="No change in the {d} days before the onset is tied to the failing "
                                              "code, its neighbours, its queries, its settings or its dependencies "
                                              "strongly enough to be convicted.",
                                           zh="突增前 {d} 天内没有任何变更与出错代码、其相邻方法、SQL、"
                                              "配置或依赖有足够强的关联，不能认定为原因。"),
    "code_agent.own_code_title": Text(en="{sym} fails on its own", zh="{sym} 自身出错"),
    "code_agent.own_code_statement": Text(en="The failure lives in {sym} ({file}:{line}): {mech}.",
                                          zh="故障位于 {sym}（{file}:{line}）：{mech}。"),
    "code_agent.summary_change": Text(en="Change {sha} is tied to the symptoms ({k}); it is my prime suspect.",
                                      zh="变更 {sha} 与症状直接关联（{k}），是头号嫌疑。"),
    "code_agent.summary_no_change": Text(en="No recent change explains the failure; the code at {sym} is the best "
                                            "location.",
                                         zh="没有近期变更能解释该故障；最可能的位置是 {sym}。"),
}
