"""python -m bench signin [--events N] [--repeat R] [--db-url URL]

Signing in, measured per sign-in (median of --repeat) with N audit events already in the table (the
throttle counts recent failures from it): our password sign-in (authenticate + the /auth/complete
exchange), the same with an authenticator-app code (authenticate + second_step + exchange) and with a
passkey (a software ES256 authenticator), each next to the floor measured in the same run: one argon2id
verification of the same hash (the cost no sign-in can avoid), plus pyotp's check or one ECDSA verification.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from typing import Any

import pyotp
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlmodel import col

from introserv_app.config import get_settings
from introserv_app.db.session import create_db_engine, session_scope
from introserv_app.db.tables import AuditEvent, User
from introserv_app.db.types import utcnow
from introserv_app.domain.roles import Role
from introserv_app.services import accounts
from introserv_app.services.common.viewer import Viewer

PASSWORD = "bench-sign-in-passphrase"  # noqa: S105 - the benchmark's own throwaway account


def add_parser(sub: Any) -> None:
    p = sub.add_parser("signin", help="sign-in with a password, a TOTP code and a passkey, against argon2 alone")
    p.add_argument("--events", type=int, default=1_000_000, help="audit events already in the table")
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--db-url", default=None, help="a PostgreSQL server URL (a new database is created on it)")


def _fill_audit(engine: sa.Engine, events: int) -> None:
    """Failed sign-ins of many names from many addresses over the last day (what the throttle reads)."""
    now = utcnow()
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    batch = []
    with engine.begin() as conn:
        for n in range(events):
            batch.append(
                {
                    "created_at": now - timedelta(seconds=n % 86_400),
                    "action": "login",
                    "success": False,
                    "subject_key": f"user{n % 50_000}",
                    "ip": f"10.{n % 200}.{n // 200 % 250}.{n % 7}",
                    "details": {"reason": "wrong_password"},
                }
            )
            if len(batch) == 20_000:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)


def scenario_signin(args: argparse.Namespace) -> dict[str, object]:
    from bench.__main__ import _median_ms, analyze, empty_database
    from tests.support.authenticator import SoftAuthenticator

    results: list[dict[str, object]] = []
    with empty_database(args.db_url) as url:
        engine = create_db_engine(url)
        _fill_audit(engine, args.events)
        with session_scope(engine) as session:
            for name in ("plain", "totp", "passkey"):
                accounts.create_user(session=session, username=name, password=PASSWORD, send_welcome=False)
        analyze(engine)

        def viewer(name: str) -> Viewer:
            with session_scope(engine) as session:
                uid = session.execute(sa.select(col(User.id)).where(col(User.username) == name)).scalar_one()
            return Viewer(user_id=uid, username=name, role=Role.CUSTOMER, session_id=0, language="en")

        with session_scope(engine) as session:
            setup = accounts.start_totp(session=session, viewer=viewer("totp"))
        totp = pyotp.TOTP(setup.secret)
        with session_scope(engine) as session:
            accounts.enable_totp(session=session, viewer=viewer("totp"), code=totp.now())
        device = SoftAuthenticator(origin=get_settings().base_url)
        with session_scope(engine) as session:
            ceremony = accounts.begin_passkey(session=session, viewer=viewer("passkey"))
        answer = device.create(ceremony.options_json)
        with session_scope(engine) as session:
            accounts.add_passkey(
                session=session, viewer=viewer("passkey"), credential=answer, challenge=ceremony.challenge, name="bench"
            )
        stored_hash = accounts.hash_password(PASSWORD)
        hasher = PasswordHasher()
        step = [int(time.time() // 30) + 10]  # a fresh time step per TOTP sign-in (a code works once)

        def password_only() -> None:
            with session_scope(engine) as session:
                out = accounts.authenticate(session=session, username="plain", password=PASSWORD, ip="192.0.2.1")
                assert accounts.complete_login(
                    session=session, ticket=out.ticket or "", binding=out.binding or "", ip="192.0.2.1"
                )

        def with_totp() -> None:
            step[0] += 1
            at = utcnow().replace(microsecond=0) + timedelta(seconds=(step[0] - int(time.time() // 30)) * 30)
            with session_scope(engine) as session:
                out = accounts.authenticate(session=session, username="totp", password=PASSWORD, ip="192.0.2.1", now=at)
                done = accounts.second_step(
                    session=session, challenge=out.challenge or "", code=totp.at(at), ip="192.0.2.1", now=at
                )
                assert accounts.complete_login(
                    session=session, ticket=done.ticket or "", binding=done.binding or "", ip="192.0.2.1", now=at
                )

        def with_passkey() -> None:
            with session_scope(engine) as session:
                out = accounts.authenticate(session=session, username="passkey", password=PASSWORD, ip="192.0.2.1")
                options = accounts.second_step_passkey_options(session=session, challenge=out.challenge or "")
                assert options is not None
                done = accounts.second_step(
                    session=session,
                    challenge=out.challenge or "",
                    ip="192.0.2.1",
                    passkey=device.get(options.options_json),
                    passkey_challenge=options.challenge,
                )
                assert accounts.complete_login(
                    session=session, ticket=done.ticket or "", binding=done.binding or "", ip="192.0.2.1"
                )

        def floor_password() -> None:
            hasher.verify(stored_hash, PASSWORD)

        def floor_totp() -> None:
            hasher.verify(stored_hash, PASSWORD)
            totp.verify(totp.now(), valid_window=1)

        def floor_passkey() -> None:
            hasher.verify(stored_hash, PASSWORD)
            device.get('{"challenge": "AAAA", "allowCredentials": []}')  # one ECDSA signature (the client's side)

        for name, ours, floor in (
            ("password", password_only, floor_password),
            ("password + TOTP code", with_totp, floor_totp),
            ("password + passkey", with_passkey, floor_passkey),
        ):
            ours_ms, raw_ms = _median_ms(ours, args.repeat), _median_ms(floor, args.repeat)
            results.append(
                {
                    "name": name,
                    "ours_ms": round(ours_ms, 2),
                    "raw_ms": round(raw_ms, 2),
                    "ratio": round(ours_ms / raw_ms, 2),
                }
            )
            print(
                f"{name:<22} ours {ours_ms:8.2f} ms   floor {raw_ms:8.2f} ms   ratio {ours_ms / raw_ms:5.2f}",
                file=sys.stderr,
            )
        engine.dispose()
    return {
        "scenario": "signin",
        "events": args.events,
        "backend": "postgresql" if args.db_url else "sqlite",
        "views": results,
    }
