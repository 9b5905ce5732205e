"""`python -m core users …`: local accounts for TRIBUNAL_AUTH=local; passwords are prompted, never arguments."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from core.auth import ROLES, cli_principal
from core.config import load_settings
from core.errors import AuthError

__all__ = ["add_users_parser", "run_users"]


def add_users_parser(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser(
        "users", help="local accounts (TRIBUNAL_AUTH=local): add, list, set-role, disable, enable, set-password",
        description="Manage the dashboard's local accounts. Passwords are prompted (twice) and never taken from the "
        "command line; --password-stdin reads one line from stdin for scripts. Every change is audited as os:<user>.")
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = users_sub.add_parser("add", help="create an account", description="Create an account with a role.")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=ROLES, help="one of %(choices)s")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin instead of a prompt")
    listing = users_sub.add_parser("list", help="list accounts with role, state and last sign-in")
    listing.add_argument("--json", action="store_true", help="print the accounts as JSON")
    role = users_sub.add_parser("set-role", help="change an account's role (applies at the user's next page load)")
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", choices=ROLES, metavar="ROLE", help="one of %(choices)s")
    for action, text in (("disable", "disable an account; its sessions end at once"),
                         ("enable", "enable an account again and clear its lockout")):
        users_sub.add_parser(action, help=text, description=text).add_argument("name", metavar="NAME")
    password = users_sub.add_parser("set-password", help="set an account's password (prompted)")
    password.add_argument("name", metavar="NAME")
    password.add_argument("--password-stdin", action="store_true", help="read the password from stdin")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise AuthError("The two passwords differ; nothing was changed.")
    return first


def run_users(args: argparse.Namespace) -> int:
    """Run one `users` action against the store of $TRIBUNAL_HOME; returns the exit code."""
    from core import accounts
    from core.store import Store

    actor = cli_principal()
    settings = load_settings()
    command = args.users_command
    # Ask for the password before opening the store, so a prompt never holds the store's lock.
    secret = _password(args.password_stdin) if command in ("add", "set-password") else ""
    store = Store(settings.db_path, memory_limit=settings.duckdb_memory)
    try:
        if command == "add":
            user = accounts.add_user(store, args.name, args.role, secret, actor=actor)
            print(f"added {user.name} ({user.role})")
        elif command == "list":
            users = accounts.list_users(store)
            if args.json:
                print(json.dumps([u.model_dump(mode="json") for u in users], ensure_ascii=False, indent=2))
            for u in [] if args.json else users:
                state = "disabled" if u.disabled else ("locked" if u.locked_until else "active")
                last = u.last_sign_in.isoformat(timespec="seconds") if u.last_sign_in else "never"
                print(f"{u.name:<24} {u.role:<9} {state:<9} last sign-in {last}")
            if not users and not args.json:
                print("no accounts yet; add one with: python -m core users add NAME --role admin", file=sys.stderr)
        elif command == "set-role":
            accounts.set_role(store, args.name, args.role, actor=actor)
            print(f"{args.name} is now {args.role}")
        elif command in ("disable", "enable"):
            accounts.set_disabled(store, args.name, command == "disable", actor=actor)
            print(f"{args.name} {command}d")
        elif command == "set-password":
            accounts.set_password(store, args.name, secret, actor=actor)
            print(f"password of {args.name} changed; its sessions ended")
    finally:
        store.close()
    return 0
