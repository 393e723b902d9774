"""Command line: `python -m introserv_app <command>`. Every command uses INTROSERV_DB_URL."""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence

from introserv_app.config import ConfigError, get_settings


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def cmd_migrate(_: argparse.Namespace) -> int:
    from introserv_app.db.session import check_connection
    from introserv_app.tools.migrations import upgrade_head

    url = get_settings().db_url
    if url.startswith("sqlite:///"):
        os.makedirs(os.path.dirname(url.removeprefix("sqlite:///")) or ".", exist_ok=True)
    check_connection(url)
    upgrade_head(url)
    print("database schema is up to date")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from introserv_app.db.session import get_engine
    from introserv_app.tools import seed

    engine = get_engine()
    if args.demo:
        created = seed.seed_demo(engine, seed=args.seed)
        print("demo data created" if created else "demo data already present: kept as it is")
        return 0
    seed.ensure_demo_accounts(engine)
    start = time.perf_counter()
    report = seed.seed_volume(engine, customers=args.customers, orders=args.orders, seed=args.seed)
    took = time.perf_counter() - start
    print(
        f"seeded {report.customers} customers, {report.orders} orders, {report.invoices} invoices, "
        f"{report.ledger_entries} ledger entries in {took:.1f} s"
    )
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from introserv_app.db.session import session_scope
    from introserv_app.domain.roles import Role
    from introserv_app.services.accounts import create_user
    from introserv_app.services.common.errors import ServiceError

    password = args.password or os.environ.get("INTROSERV_NEW_PASSWORD") or ""
    if not password:
        if not sys.stdin.isatty():
            return _fail("give --password, INTROSERV_NEW_PASSWORD, or run in a terminal to be asked")
        password = getpass.getpass("Password (12-128 characters): ")
    try:
        with session_scope() as session:
            user = create_user(
                session=session,
                username=args.username,
                password=password,
                role=Role(args.role),
                email_addr=args.email or "",
                first_name=args.first_name or "",
                last_name=args.last_name or "",
                language=args.language,
            )
    except ServiceError as exc:
        return _fail(exc.message)
    print(f"created {user.role} user {user.username!r} (id {user.id})")
    return 0


def _support_action(username: str, action_name: str, done: str) -> int:
    """Run a support action of services.support (`clear_ip_restrictions`, ...) for a customer, audited
    with no staff actor (the command line); the customer is told as when support does it."""
    from sqlmodel import select

    from introserv_app.db.session import session_scope
    from introserv_app.db.tables import User
    from introserv_app.i18n import gettext
    from introserv_app.services import support
    from introserv_app.services.common.errors import ServiceError

    with session_scope() as session:
        user_id = session.exec(select(User.id).where(User.username == username)).first()
        if user_id is None:
            return _fail(f"no user {username!r}")
        try:
            getattr(support, action_name)(session=session, viewer=None, user_id=user_id)
        except ServiceError as exc:
            return _fail(gettext("en", exc.message))
    print(done.format(username=username))
    return 0


def cmd_clear_ip_restrictions(args: argparse.Namespace) -> int:
    """Support's way in for a customer locked out by their own IP list (audited)."""
    return _support_action(args.username, "clear_ip_restrictions", "IP restrictions of {username!r} cleared")


def cmd_reset_code_word(args: argparse.Namespace) -> int:
    """After support has checked the customer's identity: they can set a new code word (audited)."""
    return _support_action(args.username, "reset_code_word", "code word of {username!r} reset")


def cmd_verify_company(args: argparse.Namespace) -> int:
    """Support has checked the company's documents: its invoices can be paid from now on (audited)."""
    return _support_action(args.username, "verify_company", "company profile of {username!r} verified")


def cmd_demo_logins(_: argparse.Namespace) -> int:
    from introserv_app.tools.seed import DEMO_ACCOUNTS

    print("Demo logins (http://localhost:3000/login):")
    for acc in DEMO_ACCOUNTS:
        print(f"  {acc.description:<14} username: {acc.username:<8} password: {acc.password}")
    return 0


def cmd_send_emails(args: argparse.Namespace) -> int:
    from introserv_app.db.session import get_engine
    from introserv_app.services import billing  # noqa: F401 - registers the invoice PDFs that mails attach
    from introserv_app.services.messaging import deliver_due

    smtp = get_settings().smtp
    if not smtp.configured:
        print("INTROSERV_SMTP_HOST is not set: messages stay in the outbox")
        return 0
    report = deliver_due(engine=get_engine(), smtp=smtp, limit=args.limit)
    print(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")
    return 0


def cmd_lifecycle(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from introserv_app.db.session import get_engine
    from introserv_app.services.jobs import lifecycle

    now = None
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            return _fail(f"--now must be an ISO date-time such as 2026-12-01T06:00:00Z, got {args.now!r}")
        now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    report = lifecycle.run(engine=get_engine(), now=now)
    if report.locked_out:
        print("another process is running the lifecycle job: nothing done")
        return 0
    print(
        f"cancelled at period end {report.cancelled_scheduled}, auto-renewed {report.auto_renewed}, "
        f"auto-renewal invoices {report.auto_invoiced}, auto-renewal failures {report.auto_failed}, "
        f"reminders {report.reminders}, suspended {report.suspended}, "
        f"cancelled for non-payment {report.cancelled_nonpayment}, low-balance alerts {report.low_balance}, "
        f"emails queued {report.emails}"
    )
    return 0


def cmd_export_orders(args: argparse.Namespace) -> int:
    from introserv_app.db.session import session_scope
    from introserv_app.domain.grid import parse_grid_query
    from introserv_app.services.common.errors import ServiceError
    from introserv_app.services.orders import export_count, iter_orders_csv, operator_viewer

    params = {
        "status": ",".join(args.status or []),
        "q": args.search or "",
        "sort": args.sort or "",
        "dir": args.dir or "",
    }
    query, problems = parse_grid_query(params)
    if problems:
        return _fail("; ".join(problems))
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="")
    try:
        with session_scope() as session:
            try:
                viewer = operator_viewer(session=session, customer=None if args.all else args.customer)
            except ServiceError as exc:
                return _fail(exc.message.format(username=args.customer))
            total = export_count(session=session, viewer=viewer, query=query)

            def progress(done: int) -> None:
                if args.out != "-":
                    print(f"\r{done:,} / {total:,} rows", end="", file=sys.stderr, flush=True)

            for chunk in iter_orders_csv(
                session=session, viewer=viewer, query=query, progress=progress, expected_rows=total
            ):
                out.write(chunk)
    finally:
        if out is not sys.stdout:
            out.close()
    if args.out != "-":
        print(f"\nwrote {total:,} orders to {args.out}", file=sys.stderr)
    return 0


def _check_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ConfigError(f"cannot reach Redis at INTROSERV_REDIS_URL: {exc}") from exc
    finally:
        client.close()


def reflex_env() -> dict[str, str]:
    """The environment `make run` gives Reflex (offline bun, no telemetry), for a command started from here."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tools = os.path.join(root, ".tools")
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.join(tools, "bin"), os.path.dirname(sys.executable), env.get("PATH", "")])
    env.setdefault("REFLEX_USE_SYSTEM_BUN", "1")
    env.setdefault("REFLEX_DIR", os.path.join(tools, "reflex"))
    env.setdefault("BUN_INSTALL_CACHE_DIR", os.path.join(tools, "bun-cache"))
    env["REFLEX_TELEMETRY_ENABLED"] = "false"
    env["REFLEX_CHECK_LATEST_VERSION"] = "false"
    return env


def default_workers() -> int:
    """One backend worker per CPU core, at least 2: on the 2-core test machine 2 workers served more than
    4 (85 against 55 grid actions/s at saturation; docs/benchmarks.md, "load")."""
    return max(2, os.cpu_count() or 1)


def cmd_serve_prod(args: argparse.Namespace) -> int:
    """Scale-out mode: PostgreSQL + Redis, migrations first, then several backend workers on one port."""
    settings = get_settings()
    if not settings.db_url.startswith("postgresql"):
        return _fail("production mode needs PostgreSQL: set INTROSERV_DB_URL=postgresql://user:password@host/db")
    if not settings.redis_url:
        return _fail(
            "production mode needs Redis for the workers' shared state: set INTROSERV_REDIS_URL=redis://host:6379/0"
        )
    if not os.environ.get("INTROSERV_SECRET_KEY", "").strip():
        return _fail(
            "production mode needs INTROSERV_SECRET_KEY (the same on every machine), e.g. `openssl rand -hex 32`"
        )
    workers = args.workers or int(os.environ.get("INTROSERV_WORKERS", "0") or 0) or default_workers()
    if workers < 1:
        return _fail("--workers must be at least 1")
    _check_redis(settings.redis_url)
    if not args.skip_migrate:
        cmd_migrate(args)
    env = reflex_env()
    env["GRANIAN_WORKERS"] = str(workers)
    env["REFLEX_USE_GRANIAN"] = "true"
    # Each worker keeps the state of the tabs it serves for a few seconds instead of a Redis round trip per
    # event (another worker asking for the same tab takes it over at once); ~40 % less CPU per grid action.
    env.setdefault("REFLEX_OPLOCK_ENABLED", "true")
    reflex = shutil.which("reflex", path=env["PATH"])
    if reflex is None:
        return _fail("reflex is not installed: run `make setup`")
    print(f"starting {workers} backend workers on {settings.base_url} (PostgreSQL + Redis) ...", flush=True)
    os.execve(reflex, [reflex, "run", "--env", "prod", "--single-port", "--loglevel", "warning"], env)  # noqa: S606
    return 0  # not reached


def cmd_check_frontend(_: argparse.Namespace) -> int:
    bun = shutil.which("bun")
    if bun is None:
        return _fail("bun is missing: run `make bun` (installs it from the npm registry into .tools/)")
    return 0


def cmd_check_services(_: argparse.Namespace) -> int:
    """Test prerequisites: PostgreSQL and Redis must answer (integration and scale-out browser tests use them)."""
    from introserv_app.db.session import check_connection

    url = os.environ.get("INTROSERV_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        check_connection(url)
    except ConfigError as exc:
        return _fail(
            f"PostgreSQL for the tests is not reachable at {url}: {exc}. Start it, or set INTROSERV_TEST_PG_URL"
        )
    redis_url = os.environ.get("INTROSERV_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    try:
        _check_redis(redis_url)
    except ConfigError as exc:
        return _fail(
            f"Redis for the scale-out tests is not reachable: {exc}. Start it, or set INTROSERV_TEST_REDIS_URL"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m introserv_app", description="INTROSERV panel commands")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply the database migrations (alembic upgrade head)")
    p = sub.add_parser("seed", help="demo data (--demo, first run only) or volume data")
    p.add_argument("--demo", action="store_true", help="demo accounts and a small data set, only if not there yet")
    p.add_argument("--customers", type=int, default=100)
    p.add_argument("--orders", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("create-user", help="create a customer or staff user")
    p.add_argument("--username", required=True)
    p.add_argument("--role", choices=("customer", "support", "admin"), default="customer")
    p.add_argument("--password", help="better: INTROSERV_NEW_PASSWORD or the prompt")
    p.add_argument("--email")
    p.add_argument("--first-name")
    p.add_argument("--last-name")
    p.add_argument("--language", choices=("en", "ru"), default="en")
    p = sub.add_parser("clear-ip-restrictions", help="let a customer locked out by their IP list in again")
    p.add_argument("username")
    p = sub.add_parser("reset-code-word", help="clear a customer's code word (after an identity check)")
    p.add_argument("username")
    p = sub.add_parser("verify-company", help="mark a customer's company profile verified")
    p.add_argument("username")
    sub.add_parser("demo-logins", help="print the demo logins")
    p = sub.add_parser("send-emails", help="deliver due outbox messages over SMTP once")
    p.add_argument("--limit", type=int, default=500)
    p = sub.add_parser("lifecycle", help="the order lifecycle job: reminders, auto-renewal, suspension, ...")
    p.add_argument("action", choices=("run",))
    p.add_argument("--now", help="run as if it were this UTC date-time (ISO 8601), e.g. for a test")
    p = sub.add_parser("export-orders", help="orders as CSV (one customer's or everyone's)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", metavar="USERNAME")
    who.add_argument("--all", action="store_true", help="every customer's orders (with a customer column)")
    p.add_argument("--status", action="append", help="a status code (repeat for several), e.g. processed")
    p.add_argument("--search", help="the grid's search: name, main IP, comment, ID or tariff")
    p.add_argument("--sort", help="a grid column, e.g. paid_until (default created_at)")
    p.add_argument("--dir", choices=("asc", "desc"))
    p.add_argument("--out", required=True, help="file to write, or - for standard output")
    p = sub.add_parser("serve-prod", help="production mode: PostgreSQL + Redis, migrations, several workers")
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        help="backend worker processes (default INTROSERV_WORKERS or one per CPU core, at least 2)",
    )
    p.add_argument("--skip-migrate", action="store_true", help="another machine already applied the migrations")
    sub.add_parser("check-frontend", help=argparse.SUPPRESS)
    sub.add_parser("check-services", help=argparse.SUPPRESS)
    from introserv_app.tools import apikey_cli, bmc_cli

    bmc_cli.add_parser(sub)
    apikey_cli.add_parser(sub)
    args = parser.parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "migrate": cmd_migrate,
        "seed": cmd_seed,
        "create-user": cmd_create_user,
        "clear-ip-restrictions": cmd_clear_ip_restrictions,
        "reset-code-word": cmd_reset_code_word,
        "verify-company": cmd_verify_company,
        "demo-logins": cmd_demo_logins,
        "send-emails": cmd_send_emails,
        "lifecycle": cmd_lifecycle,
        "export-orders": cmd_export_orders,
        "serve-prod": cmd_serve_prod,
        "check-frontend": cmd_check_frontend,
        "check-services": cmd_check_services,
        "bmc": bmc_cli.run,
        "api-key": apikey_cli.run,
    }
    try:
        return handlers[args.command](args)
    except ConfigError as exc:
        return _fail(str(exc))


if __name__ == "__main__":
    sys.exit(main())
