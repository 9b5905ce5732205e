"""UI strings of sign-in, roles and the audit page, in Chinese and English."""

from __future__ import annotations

__all__ = ["AUTH_STRINGS"]

# key -> (zh, en)
AUTH_STRINGS: dict[str, tuple[str, str]] = {
    "nav.audit": ("审计日志", "Audit trail"),
    "role.viewer": ("只读", "viewer"),
    "role.analyst": ("分析员", "analyst"),
    "role.approver": ("审批人", "approver"),
    "role.admin": ("管理员", "admin"),
    "auth.sidebar": ("登录", "Sign-in"),
    "auth.off": ("未启用登录（单用户）", "sign-in off (single user)"),
    "auth.off_help": ("TRIBUNAL_AUTH=off：本机单用户，拥有全部权限。团队使用请设为 local 或 oidc（见 README）。",
                      "TRIBUNAL_AUTH=off: one user on this machine, with every right. For a team set local or "
                      "oidc (see the README)."),
    "auth.signed_in_as": ("{name}（{role}）", "{name} · {role}"),
    "auth.sign_out": ("退出登录", "Sign out"),
    "auth.title": ("登录 SRE Tribunal", "Sign in to SRE Tribunal"),
    "auth.caption_local": ("使用管理员创建的本地账号登录（python -m core users add）。",
                           "Sign in with the local account an admin created for you (python -m core users add)."),
    "auth.no_accounts": ("还没有任何账号：请在服务器上用下面的命令创建第一个管理员（密码通过提示输入）。",
                         "There are no accounts yet: create the first admin on the server with the command below "
                         "(the password is prompted)."),
    "auth.name": ("用户名", "Name"),
    "auth.password": ("密码", "Password"),
    "auth.submit": ("登录", "Sign in"),
    "auth.err_wrong": ("用户名或密码错误。", "Wrong name or password."),
    "auth.err_locked": ("登录失败次数过多，账号已锁定 {minutes} 分钟（或由管理员解锁）。",
                        "Too many failed sign-ins: the account is locked for {minutes} minute(s), or until an admin "
                        "enables it."),
    "auth.err_disabled": ("该账号已停用，请联系管理员。", "This account is disabled; ask an admin."),
    "auth.expired": ("会话已过期，请重新登录。", "Your session has expired; sign in again."),
    "auth.caption_oidc": ("通过单位的身份提供方（OpenID Connect）登录。", "Sign in with your organisation's identity "
                          "provider (OpenID Connect)."),
    "auth.oidc_login": ("通过身份提供方登录", "Sign in with your identity provider"),
    "auth.oidc_unconfigured": ("OIDC 登录尚未配置：在 .streamlit/secrets.toml 的 [auth] 中填写 redirect_uri、"
                               "cookie_secret、client_id、client_secret 和 server_metadata_url（见 README）。",
                               "OIDC sign-in is not configured: fill redirect_uri, cookie_secret, client_id, "
                               "client_secret and server_metadata_url under [auth] in .streamlit/secrets.toml "
                               "(see the README)."),
    "auth.read_only": ("你的角色（{role}）只能查看；创建事件、上传、运行辩论和干预需要分析员及以上角色。",
                       "Your role ({role}) may only read; opening incidents, uploading, running debates and "
                       "intervening need the analyst role or above."),
    "auth.admin_only": ("此页面仅限管理员（你的角色：{role}）。", "This page is for admins only (your role: {role})."),
    "auth.settings_read_only": ("只有管理员可以修改设置（你的角色：{role}）；以下为当前设置。",
                                "Only admins may change settings (your role: {role}); these are the current ones."),
    "audit.title": ("审计日志", "Audit trail"),
    "audit.caption": ("只追加的记录：谁、何时、做了什么、针对哪个事件。每行带有前一行的哈希，行被篡改或删除时链条断开。",
                      "An append-only record: who did what, when, on which incident. Each row carries the hash of "
                      "the one before it, so a row changed or removed outside the product breaks the chain."),
    "audit.action": ("操作", "Action"),
    "audit.any": ("全部", "any"),
    "audit.actor": ("操作者", "Actor"),
    "audit.incident": ("事件 ID", "Incident id"),
    "audit.text": ("搜索", "Search"),
    "audit.since": ("起始日期", "From"),
    "audit.until": ("截止日期", "To"),
    "audit.limit": ("最多行数", "Rows at most"),
    "audit.rows": ("{n} 行（最新在前）", "{n} rows, newest first"),
    "audit.none": ("没有符合条件的记录。", "No rows match."),
    "audit.export": ("导出 CSV", "Export CSV"),
    "audit.verify": ("校验哈希链", "Check the hash chain"),
    "audit.chain_ok": ("哈希链完整：没有行在产品之外被修改或删除。", "The hash chain is intact: no row was changed or "
                       "removed outside the product."),
    "audit.chain_broken": ("哈希链在第 {seq} 行断开：该行或其前一行在产品之外被修改或删除。",
                           "The hash chain breaks at row {seq}: it or the row before it was changed or removed "
                           "outside the product."),
    "audit.col_seq": ("序号", "#"),
    "audit.col_at": ("时间", "When"),
    "audit.col_actor": ("操作者", "Who"),
    "audit.col_action": ("操作", "What"),
    "audit.col_incident": ("事件", "Incident"),
    "audit.col_detail": ("详情", "Detail"),
    "audit.col_role": ("角色", "Role"),
    "audit.col_state": ("状态", "State"),
    "audit.col_last": ("上次登录", "Last sign-in"),
    "audit.state_active": ("正常", "active"),
    "audit.state_locked": ("已锁定", "locked"),
    "audit.state_disabled": ("已停用", "disabled"),
    "users.set_role": ("修改角色", "Set role"),
    "users.enable": ("启用", "Enable"),
    "users.disable": ("停用", "Disable"),
    "users.add": ("添加账号", "Add an account"),
    "users.add_button": ("添加", "Add"),
    "users.password_again": ("再次输入密码", "Password again"),
    "users.mismatch": ("两次输入的密码不一致，未做任何修改。", "The two passwords differ; nothing was changed."),
    "users.done": ("已完成（已记入审计日志）。", "Done (recorded in the audit trail)."),
    "audit.users": ("本地账号", "Local accounts"),
    "audit.users_caption": ("在服务器上用 python -m core users … 管理账号（密码只通过提示输入）。",
                            "Manage accounts on the server with python -m core users … (passwords are only "
                            "prompted)."),
}
