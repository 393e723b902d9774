"""`python -m introserv_app bmc ...`: support's and scripts' way to the servers' management controllers. Acts as
the command line (an administrator with no user: audited without an actor). Exit 0 on success, 1 with a message
on stderr on any failure."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import sys

from introserv_app.domain.roles import Role
from introserv_app.domain.servers import ServerAction
from introserv_app.i18n import translate_error
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

COMMAND_LINE = Viewer(user_id=0, username="command line", role=Role.ADMIN, session_id=0, language="en")
POWER = {
    "on": ServerAction.POWER_ON,
    "off": ServerAction.POWER_OFF,
    "soft": ServerAction.SOFT_OFF,
    "reset": ServerAction.RESET,
    "cycle": ServerAction.POWER_CYCLE,
}


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("bmc", help="a dedicated server's management controller (IPMI): assign, power, sensors")
    bmc = p.add_subparsers(dest="bmc_command", required=True)
    a = bmc.add_parser(
        "assign", help="assign a controller to an order (tested first); password: INTROSERV_BMC_PASSWORD"
    )
    a.add_argument("order_id", type=int)
    a.add_argument("--host", required=True)
    a.add_argument("--port", type=int, default=623)
    a.add_argument("--user", required=True)
    a.add_argument("--no-test", action="store_true", help="save without testing the connection first")
    w = bmc.add_parser("power", help="the power state, or switch it")
    w.add_argument("order_id", type=int)
    w.add_argument("action", choices=("status", *POWER))
    s = bmc.add_parser("sensors", help="the sensors as one JSON line")
    s.add_argument("order_id", type=int)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    from introserv_app.services import servers  # here: every command of `python -m introserv_app` builds the parser

    try:
        if args.bmc_command == "assign":
            password = os.environ.get("INTROSERV_BMC_PASSWORD") or (
                getpass.getpass("Controller password: ") if sys.stdin.isatty() else ""
            )
            form = servers.ControllerForm(host=args.host, port=args.port, username=args.user, password=password)
            servers.assign_controller(viewer=COMMAND_LINE, order_id=args.order_id, form=form, test=not args.no_test)
            print(f"controller {args.host}:{args.port} assigned to order {args.order_id}")
        elif args.bmc_command == "power" and args.action == "status":
            state = servers.live_state(viewer=COMMAND_LINE, order_id=args.order_id, details=False)
            print(state.power)
        elif args.bmc_command == "power":
            servers.act(viewer=COMMAND_LINE, order_id=args.order_id, action=POWER[args.action])
            print(f"{args.action}: done")
        else:
            state = servers.live_state(viewer=COMMAND_LINE, order_id=args.order_id)
            print(
                json.dumps(
                    {
                        "order_id": args.order_id,
                        "power": state.power,
                        "sensors": [dataclasses.asdict(s) for s in state.sensors],
                    },
                    ensure_ascii=False,
                )
            )
    except ServiceError as exc:
        return _fail(translate_error("en", exc.message, exc.values))
    return 0
