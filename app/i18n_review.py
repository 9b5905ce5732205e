"""UI strings of review and sign-off, the post-mortem downloads and History's search, in Chinese and English."""

from __future__ import annotations

__all__ = ["REVIEW_STRINGS"]

# key -> (zh, en)
REVIEW_STRINGS: dict[str, tuple[str, str]] = {
    # review and sign-off (report page)
    "review.title": ("审核与签发", "Review and sign-off"),
    "review.state.draft": ("草稿", "Draft"),
    "review.state.final": ("已定稿", "Final"),
    "review.state.rejected": ("已驳回", "Rejected"),
    "review.state.sent_back": ("已退回重议", "Sent back"),
    "review.state.none": ("无裁决", "No ruling"),
    "review.why.risk": ("风险为{risk}", "has risk {risk}"),
    "review.why.rollback": ("建议回滚", "recommends a rollback"),
    "review.why_join": ("，并且", " and "),
    "review.needs_approver": ("该裁决{why}：须由审批人批准、驳回或退回后，报告才能定稿。",
                              ("This ruling {why}: an approver must approve, reject or send it back before the "
                               "report is final.")),
    "review.analyst_may": ("风险不高且无需回滚：分析师即可定稿。", "Not high-risk and no rollback: an analyst may finalise it."),
    "review.decided": ("{who}（{role}）于 {when} {what}", "{what} by {who} ({role}) at {when}"),
    "review.what.approve": ("批准", "Approved"),
    "review.what.finalize": ("定稿", "Finalised"),
    "review.what.reject": ("驳回", "Rejected"),
    "review.what.send_back": ("退回", "Sent back"),
    "review.reason": ("驳回理由", "Reason"),
    "review.note": ("退回说明", "Note"),
    "review.btn.approve": ("批准", "Approve"),
    "review.btn.finalize": ("定稿", "Finalise"),
    "review.btn.reject": ("驳回", "Reject"),
    "review.btn.send_back": ("退回重议", "Send back"),
    "review.text": ("理由 / 说明（驳回或退回时必填）", "Reason or note (required to reject or send back)"),
    "review.text_help": ("退回时，这条说明会作为人工干预进入辩论，下一次辩论以它开场。",
                         ("On a send-back the note enters the debate as a human intervention; the next debate "
                          "starts with it.")),
    "review.need_text": ("驳回需要理由，退回需要说明：请先填写。", "A rejection needs a reason and a send-back a note: write it first."),
    "review.read_only": ("你的角色（{role}）不能对此裁决做决定。", "Your role ({role}) may not decide on this ruling."),
    "review.recorded": ("已记录：{state}", "Recorded: {state}"),
    "review.rerun": ("重新辩论", "Re-run the debate"),
    "review.sent_back_hint": ("已退回：在辩论页重新开庭，新辩论会以这条说明开场。",
                              "Sent back: start the debate again on the debate page; it starts with this note."),
    # downloads
    "report.dl_html": ("HTML 报告", "HTML report"),
    "report.dl_pdf": ("PDF 报告", "PDF report"),
    "report.pdf_missing": ("此机器无法生成 PDF（{problem}）：按 README 安装 Pango，或下载 HTML 后打印。",
                           ("No PDF on this machine ({problem}): install Pango as the README says, or download the HTML "
                           "and print it.")),
    "report.dl_help": ("报告包含审核状态；每次下载都会写入审计日志。", "The report carries its review state; every download is audited."),
    # history search and filters
    "history.search": ("搜索", "Search"),
    "history.search_help": ("在标题、服务、根因和团队中查找；多个词须同时出现。",
                            "Finds words in the title, service, root cause and team; every word must appear."),
    "history.f_status": ("事件状态", "Incident state"),
    "history.f_review": ("审核状态", "Review state"),
    "history.f_severity": ("级别", "Severity"),
    "history.f_team": ("负责团队", "Team"),
    "history.f_since": ("开始日期（起）", "Started from"),
    "history.f_until": ("开始日期（止）", "Started until"),
    "history.count": ("显示 {n} / {total} 个事件", "{n} of {total} incidents"),
    "history.no_match": ("没有符合条件的事件。", "No incident matches the search and filters."),
    "history.col_root_cause": ("根因", "Root cause"),
    "history.col_confidence": ("置信度", "Confidence"),
    "history.col_team": ("负责团队", "Team"),
    "history.col_review": ("审核", "Review"),
    "history.delete": ("删除事件", "Delete incident"),
    "history.delete_confirm": ("我确认删除 {id} 及其全部数据（审计日志保留）",
                               "I confirm: delete {id} and all its data (the audit trail keeps its rows)"),
    "history.deleted": ("已删除 {id}：{rows} 行数据", "Deleted {id}: {rows} rows"),
    "history.delete_admin": ("仅管理员可删除事件；删除会写入审计日志。", "Only an admin may delete an incident; deletions are audited."),
}
