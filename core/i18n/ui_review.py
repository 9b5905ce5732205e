"""UI strings of review and sign-off, the post-mortem downloads and History's search, in Chinese and English."""

from __future__ import annotations

from core.i18n import Text

__all__ = ["STRINGS"]

STRINGS: dict[str, Text] = {
    # review and sign-off (report page)
    "review.title": Text(en="Review and sign-off", zh="审核与签发"),
    "review.state.draft": Text(en="Draft", zh="草稿"),
    "review.state.final": Text(en="Final", zh="已定稿"),
    "review.state.rejected": Text(en="Rejected", zh="已驳回"),
    "review.state.sent_back": Text(en="Sent back", zh="已退回重议"),
    "review.state.none": Text(en="No ruling", zh="无裁决"),
    "review.why.risk": Text(en="has risk {risk}", zh="风险为{risk}"),
    "review.why.rollback": Text(en="recommends a rollback", zh="建议回滚"),
    "review.why_join": Text(en=" and ", zh="，并且"),
    "review.needs_approver": Text(en="This ruling {why}: an approver must approve, reject or send it back before the "
                                     "report is final.",
                                  zh="该裁决{why}：须由审批人批准、驳回或退回后，报告才能定稿。"),
    "review.analyst_may": Text(en="Not high-risk and no rollback: an analyst may finalise it.",
                               zh="风险不高且无需回滚：分析师即可定稿。"),
    "review.decided": Text(en="{what} by {who} ({role}) at {when}", zh="{who}（{role}）于 {when} {what}"),
    "review.what.approve": Text(en="Approved", zh="批准"),
    "review.what.finalize": Text(en="Finalised", zh="定稿"),
    "review.what.reject": Text(en="Rejected", zh="驳回"),
    "review.what.send_back": Text(en="Sent back", zh="退回"),
    "review.reason": Text(en="Reason", zh="驳回理由"),
    "review.note": Text(en="Note", zh="退回说明"),
    "review.btn.approve": Text(en="Approve", zh="批准"),
    "review.btn.finalize": Text(en="Finalise", zh="定稿"),
    "review.btn.reject": Text(en="Reject", zh="驳回"),
    "review.btn.send_back": Text(en="Send back", zh="退回重议"),
    "review.text": Text(en="Reason or note (required to reject or send back)", zh="理由 / 说明（驳回或退回时必填）"),
    "review.text_help": Text(en="On a send-back the note enters the debate as a human intervention; the next debate "
                                "starts with it.",
                             zh="退回时，这条说明会作为人工干预进入辩论，下一次辩论以它开场。"),
    "review.need_text": Text(en="A rejection needs a reason and a send-back a note: write it first.",
                             zh="驳回需要理由，退回需要说明：请先填写。"),
    "review.read_only": Text(en="Your role ({role}) may not decide on this ruling.", zh="你的角色（{role}）不能对此裁决做决定。"),
    "review.recorded": Text(en="Recorded: {state}", zh="已记录：{state}"),
    "review.rerun": Text(en="Re-run the debate", zh="重新辩论"),
    "review.sent_back_hint": Text(en="Sent back: start the debate again on the debate page; it starts with this note.",
                                  zh="已退回：在辩论页重新开庭，新辩论会以这条说明开场。"),
    # downloads
    "report.dl_html": Text(en="HTML report", zh="HTML 报告"),
    "report.dl_pdf": Text(en="PDF report", zh="PDF 报告"),
    "report.pdf_missing": Text(en="No PDF on this machine ({problem}): install Pango as the README says, or download the HTML "
                                  "and print it.",
                               zh="此机器无法生成 PDF（{problem}）：按 README 安装 Pango，或下载 HTML 后打印。"),
    "report.dl_help": Text(en="The report carries its review state; every download is audited.",
                           zh="报告包含审核状态；每次下载都会写入审计日志。"),
    # history search and filters
    "history.search": Text(en="Search", zh="搜索"),
    "history.search_help": Text(en="Finds words in the title, service, root cause and team; every word must appear.",
                                zh="在标题、服务、根因和团队中查找；多个词须同时出现。"),
    "history.f_status": Text(en="Incident state", zh="事件状态"),
    "history.f_review": Text(en="Review state", zh="审核状态"),
    "history.f_severity": Text(en="Severity", zh="级别"),
    "history.f_team": Text(en="Team", zh="负责团队"),
    "history.f_since": Text(en="Started from", zh="开始日期（起）"),
    "history.f_until": Text(en="Started until", zh="开始日期（止）"),
    "history.count": Text(en="{n} of {total} incidents", zh="显示 {n} / {total} 个事件"),
    "history.no_match": Text(en="No incident matches the search and filters.", zh="没有符合条件的事件。"),
    "history.col_root_cause": Text(en="Root cause", zh="根因"),
    "history.col_confidence": Text(en="Confidence", zh="置信度"),
    "history.col_team": Text(en="Team", zh="负责团队"),
    "history.col_review": Text(en="Review", zh="审核"),
    "history.delete": Text(en="Delete incident", zh="删除事件"),
    "history.delete_confirm": Text(en="I confirm: delete {id} and all its data (the audit trail keeps its rows)",
                                   zh="我确认删除 {id} 及其全部数据（审计日志保留）"),
    "history.deleted": Text(en="Deleted {id}: {rows} rows", zh="已删除 {id}：{rows} 行数据"),
    "history.delete_admin": Text(en="Only an admin may delete an incident; deletions are audited.",
                                 zh="仅管理员可删除事件；删除会写入审计日志。"),
}
