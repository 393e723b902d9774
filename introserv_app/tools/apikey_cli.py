"""`python -m introserv_app api-key ...`: support's and the tests' way to a customer's API keys. `create` prints the
new key once (nothing else on stdout); `revoke` takes the key's prefix. Exit 1 with a message on stderr on failure."""

from __future__ import annotations

import argparse
import sys

from introserv_app.domain.api_scopes import SCOPES


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("api-key", help="a customer's API keys: create (printed once) or revoke")
    keys = p.add_subparsers(dest="key_command", required=True)
    c = keys.add_parser("create", help="a new key for a customer; prints it once")
    c.add_argument("--user", required=True, help="the customer's username")
    c.add_argument("--scope", action="append", required=True, choices=tuple(SCOPES), help="repeatable")
    c.add_argument("--ip", action="append", default=[], help="an address or CIDR the key may be used from")
    c.add_argument("--expires", default="", help="YYYY-MM-DD (the key works through that day, UTC)")
    c.add_argument("--name", default="command line")
    r = keys.add_parser("revoke", help="revoke a key by its prefix (isk_xxxxxxxx)")
    r.add_argument("prefix")


def run(args: argparse.Namespace) -> int:
    # imported here: every command of `python -m introserv_app` builds this parser, few of them need the services
    from introserv_app.db.session import session_scope
    from introserv_app.i18n import translate_error
    from introserv_app.services import apikeys
    from introserv_app.services.common.errors import ServiceError

    try:
        with session_scope() as session:
            if args.key_command == "create":
                made = apikeys.create_key_for(
                    session=session, username=args.user, name=args.name, scopes=args.scope,
                    ip_list="\n".join(args.ip), expires=args.expires,
                )  # fmt: skip
                print(made.secret)
            else:
                print(f"revoked {apikeys.revoke_by_prefix(session=session, prefix=args.prefix)}")
    except apikeys.KeyFormInvalid as exc:
        problems = [translate_error("en", e.message, e.values) for items in exc.fields.values() for e in items]
        print("error: " + " ".join(problems), file=sys.stderr)
        return 1
    except ServiceError as exc:
        print(f"error: {translate_error('en', exc.message, exc.values)}", file=sys.stderr)
        return 1
    return 0
