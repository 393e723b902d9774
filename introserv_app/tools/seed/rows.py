"""The rows of the volume data, generated column-wise with numpy from one seed (deterministic), and derived
set-based in SQL (invoices, lines, ledger)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from introserv_app.db import search
from introserv_app.db.tables import TariffPlan
from introserv_app.domain.names import SERVICE_NAME_FIRST, SERVICE_NAME_LENGTH, SERVICE_NAME_REST
from introserv_app.domain.periods import PERIODS
from introserv_app.domain.statuses import OrderStatus
from introserv_app.services.accounts import hash_password
from introserv_app.tools.seed.bulk import VolumeReport, _drop_foreign_keys, _drop_secondary_indexes, _max_id, _Writer

COUNTRIES = ("DE", "NL", "FR", "PL", "AT", "CZ", "ES", "IT", "US", "GB", "FI", "EE", "OTHER")


FIRST_NAMES = ("Anna", "Ivan", "Maria", "Peter", "Olga", "Jan", "Eva", "Tomas", "Lena", "Marco", "Sofia", "Alex")


LAST_NAMES = ("Novak", "Schmidt", "Petrov", "Kowalski", "Dubois", "Rossi", "Virtanen", "Smith", "Tamm", "Garcia")


CITIES = ("Berlin", "Amsterdam", "Paris", "Warsaw", "Vienna", "Prague", "Madrid", "Rome", "Dallas", "London")


COMMENTS = (
    "web frontend",
    "db primary",
    "db replica",
    "backup",
    "staging",
    "mail relay",
    "game server",
    "CI runner",
    "customer A",
    "legacy, migrate",
    "VPN gateway",
    "monitoring",
)


STATUS_WEIGHTS: tuple[tuple[OrderStatus, int], ...] = (
    (OrderStatus.PROCESSED, 62),
    (OrderStatus.CANCELLED, 14),
    (OrderStatus.SUSPENDED_NONPAYMENT, 8),
    (OrderStatus.NOT_PROCESSED, 6),
    (OrderStatus.PROCESSING, 6),
    (OrderStatus.SUSPENDED_VIOLATION, 4),
)


def _bulk(
    conn: Connection,
    rng: random.Random,
    now: datetime,
    customers: int,
    orders: int,
    seed: int,
    owner_id: int | None,
    owner_currency: str | None,
    tariffs: Sequence[TariffPlan],
    existing_names: set[str],
) -> VolumeReport:
    """Generate column-wise with numpy (a Python loop per row is far too slow at a million rows)."""
    g = np.random.default_rng(seed)
    w = _Writer(conn)
    if not w.pg:
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        conn.exec_driver_sql("PRAGMA cache_size=-1000000")
    b_true, b_false = (True, False) if w.pg else (1, 0)
    now_s = int(now.timestamp())
    today_d = now_s // 86400

    # ---- customers
    first_user = _max_id(conn, "users") + 1
    if owner_id is not None:
        user_ids = [owner_id]
        user_currency = [owner_currency or "EUR"]
    else:
        user_ids = list(range(first_user, first_user + customers))
        user_currency = [rng.choice(("EUR", "EUR", "EUR", "EUR", "USD", "GBP", "PLN")) for _ in user_ids]
        password_hash = hash_password(f"volume-{seed}-unusable")
        w.write(
            "users",
            ("id", "username", "role", "password_hash", "is_active", "created_at"),
            [
                (
                    uid,
                    f"cust{seed}x{uid}",
                    "customer",
                    password_hash,
                    b_true,
                    w.ts(now - timedelta(days=900 + rng.randrange(400))),
                )
                for uid in user_ids
            ],
        )
        w.write(
            "profiles",
            (
                "user_id",
                "profile_type",
                "company_verification",
                "country",
                "last_name",
                "first_name",
                "email",
                "email_confirmed",
                "phone",
                "city",
                "address",
                "currency",
                "language",
                "ip_restrictions",
                "newsletter",
                "auto_renew",
                "pay_without_auth",
                "display_last_ip",
            ),
            [
                (
                    uid,
                    "individual",
                    "none",
                    rng.choice(COUNTRIES),
                    rng.choice(LAST_NAMES),
                    rng.choice(FIRST_NAMES),
                    f"cust{seed}x{uid}@example.com",
                    b_true,
                    f"+4930{uid % 10_000_000:07d}",
                    rng.choice(CITIES),
                    f"{rng.randrange(1, 200)} Main Street",
                    cur,
                    rng.choice(("en", "en", "ru")),
                    "",
                    b_false,
                    b_false,
                    b_false,
                    b_false,
                )
                for uid, cur in zip(user_ids, user_currency, strict=True)
            ],
        )
    if not orders or not user_ids:
        return VolumeReport(customers=0 if owner_id else customers, orders=0, invoices=0, ledger_entries=0)

    # ---- orders: owners follow a Pareto-like curve (a few resellers hold many orders)
    weights = 1.0 / (np.arange(len(user_ids)) + 1.0) ** 0.8
    owner_ix = g.choice(len(user_ids), size=orders, p=weights / weights.sum())
    created_s = np.sort(now_s - g.integers(0, 86400 * 3 * 365, size=orders))
    created_d = created_s // 86400
    period_ix = g.integers(0, len(PERIODS), size=orders)
    periods = np.asarray(PERIODS)[period_ix]
    # tariff per order, among the tariffs in the owner's currency
    currency_codes = sorted(set(user_currency))
    owner_cur_ix = np.asarray([currency_codes.index(c) for c in user_currency])[owner_ix]
    tariff_ix = np.zeros(orders, dtype=np.int64)
    for ci, code in enumerate(currency_codes):
        allowed = [k for k, t in enumerate(tariffs) if t.currency == code] or list(range(len(tariffs)))
        mask = owner_cur_ix == ci
        tariff_ix[mask] = np.asarray(allowed)[g.integers(0, len(allowed), size=int(mask.sum()))]
    price_table = np.asarray([[t.prices_minor[str(m)] for m in PERIODS] for t in tariffs])
    prices = price_table[tariff_ix, period_ix]
    statuses = [s for s, _ in STATUS_WEIGHTS]
    sw = np.asarray([wt for _, wt in STATUS_WEIGHTS], dtype=float)
    status_ix = g.choice(len(statuses), size=orders, p=sw / sw.sum())
    st = {s: status_ix == k for k, s in enumerate(statuses)}
    # paid-until (days since the epoch; -1 = none)
    pu = np.full(orders, -1, dtype=np.int64)
    # a processing order was paid recently and is being set up: its period runs from about now
    pu = np.where(st[OrderStatus.PROCESSING], today_d + 30 * periods - g.integers(0, 5, size=orders), pu)
    pu = np.where(st[OrderStatus.PROCESSED], today_d + g.integers(-2, 365, size=orders), pu)
    pu = np.where(st[OrderStatus.SUSPENDED_NONPAYMENT], today_d - g.integers(1, 30, size=orders), pu)
    pu = np.where(st[OrderStatus.SUSPENDED_VIOLATION], today_d + g.integers(1, 120, size=orders), pu)
    pu = np.where(st[OrderStatus.CANCELLED], today_d - g.integers(1, 700, size=orders), pu)
    pu = np.where((pu >= 0) & (pu < created_d), created_d + 30 * periods, pu)
    pu_str = np.datetime_as_string(np.maximum(pu, 0).astype("datetime64[D]")).tolist()
    cancelled = st[OrderStatus.CANCELLED].tolist()
    cancel_at = _ts_strings(w, np.maximum(pu, 0) * 86400)
    cancel_mode = np.asarray(["immediate", "period_end"])[g.integers(0, 2, size=orders)].tolist()
    reasons = np.asarray(["", "moved to another provider", "project finished"])[g.integers(0, 3, size=orders)].tolist()
    has_ip = ~(st[OrderStatus.NOT_PROCESSED] | st[OrderStatus.PROCESSING])
    octets = [g.integers(lo, hi, size=orders).astype(str) for lo, hi in ((0, 6), (0, 256), (0, 256), (1, 255))]
    first_octet = np.asarray(["5", "37", "45", "91", "185", "193"])[octets[0].astype(int)]
    ips = [
        f"{a}.{b}.{c}.{d}" if ok else None
        for a, b, c, d, ok in zip(
            first_octet.tolist(),
            octets[1].tolist(),
            octets[2].tolist(),
            octets[3].tolist(),
            has_ip.tolist(),
            strict=True,
        )
    ]
    comment_ix = g.integers(0, len(COMMENTS), size=orders)
    comments = np.where(g.random(size=orders) < 0.3, np.asarray(COMMENTS)[comment_ix], "").tolist()
    names = _service_names(g, orders, existing_names)
    created_str = _ts_strings(w, created_s)

    first_order = _max_id(conn, "orders") + 1
    order_ids = list(range(first_order, first_order + orders))
    owners = np.asarray(user_ids)[owner_ix].tolist()
    t_ids = [t.id for t in tariffs]
    t_cur = [t.currency for t in tariffs]
    tix, per, price_l = tariff_ix.tolist(), periods.tolist(), prices.tolist()
    status_vals = np.asarray([s.value for s in statuses])[status_ix].tolist()
    has_pu = (pu >= 0).tolist()
    bulk = orders >= 50_000
    dropped = _drop_secondary_indexes(conn) if bulk else []
    foreign_keys = _drop_foreign_keys(conn) if bulk and w.pg else []
    if bulk:
        search.suspend_search_index(conn)
    if w.pg:
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
    w.write(
        "orders",
        (
            "id",
            "user_id",
            "service_name",
            "tariff_id",
            "main_ip",
            "status",
            "created_at",
            "paid_until",
            "price_minor",
            "currency",
            "period_months",
            "comment",
            "cancel_mode",
            "cancel_reason",
            "cancelled_at",
        ),
        [
            (
                oid,
                uid,
                nm,
                t_ids[ti],
                ip,
                sv,
                cs,
                ps if hp else None,
                pr,
                t_cur[ti],
                pe,
                cm,
                mode if cx else None,
                rs if cx else None,
                ca if cx else None,
            )
            for oid, uid, nm, ti, ip, sv, cs, ps, hp, pr, pe, cm, mode, rs, ca, cx in zip(
                order_ids,
                owners,
                names,
                tix,
                ips,
                status_vals,
                created_str,
                pu_str,
                has_pu,
                price_l,
                per,
                comments,
                cancel_mode,
                reasons,
                cancel_at,
                cancelled,
                strict=True,
            )
        ],
    )

    # ---- one invoice (one line) per order, then the ledger: derived set-based in SQL from the orders.
    # Orders were inserted in creation order, so each year is a contiguous id range and the invoice
    # sequence of an order is its offset in that range (numbering continues from invoice_counters).
    counters = {int(y): int(s) for y, s in conn.execute(sa.text("SELECT year, last_seq FROM invoice_counters"))}
    had_counter = set(counters)
    years = created_s.astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64) + 1970
    year_case, seq_case = [], []
    for year in np.unique(years).tolist():
        ids = np.flatnonzero(years == year)
        lo, hi = first_order + int(ids[0]), first_order + int(ids[-1])
        start = counters.get(year, 0)
        year_case.append(f"WHEN o.id BETWEEN {lo} AND {hi} THEN {year}")
        seq_case.append(f"WHEN o.id BETWEEN {lo} AND {hi} THEN o.id - {lo - start - 1}")
        counters[year] = start + len(ids)
    first_invoice = _max_id(conn, "invoices") + 1
    first_line = _max_id(conn, "invoice_lines") + 1
    inv_offset, line_offset = first_invoice - first_order, first_line - first_order
    if w.pg:
        number = "y.year || '-' || lpad(y.seq::text, 6, '0')"
        due = "y.created_at + interval '7 days'"
        desc = "t.name || ', ' || o.period_months || ' mo, ' || o.service_name"
    else:
        number = "printf('%d-%06d', y.year, y.seq)"
        due = "datetime(y.created_at, '+7 days') || '.000000'"
        desc = "t.name || ', ' || o.period_months || ' mo, ' || o.service_name"
    params = {"first": first_order, "f": False}
    conn.execute(
        sa.text(f"""
        INSERT INTO invoices (id, number, year, seq, user_id, status, currency, net_minor, vat_rate, vat_minor,
                              gross_minor, reverse_charge, customer_country, issued_at, due_at, paid_at)
        SELECT y.id + {inv_offset}, {number}, y.year, y.seq, y.user_id,
               CASE WHEN y.status = 'not_processed' THEN 'unpaid' ELSE 'paid' END,
               y.currency, y.price_minor, '0', 0, y.price_minor, :f, 'OTHER', y.created_at, {due},
               CASE WHEN y.status = 'not_processed' THEN NULL ELSE y.created_at END
        FROM (SELECT o.id, o.user_id, o.status, o.currency, o.price_minor, o.created_at,
                     CASE {" ".join(year_case)} END AS year, CASE {" ".join(seq_case)} END AS seq
              FROM orders o WHERE o.id >= :first) y
        ORDER BY y.id"""),
        params,
    )
    conn.execute(
        sa.text(f"""
        INSERT INTO invoice_lines (id, invoice_id, order_id, description, period_months, quantity, unit_minor,
                                   net_minor)
        SELECT o.id + {line_offset}, o.id + {inv_offset}, o.id, {desc}, o.period_months, 1, o.price_minor,
               o.price_minor
        FROM orders o JOIN tariff_plans t ON t.id = o.tariff_id WHERE o.id >= :first ORDER BY o.id"""),
        {"first": first_order},
    )
    start_ts = w.ts(now - timedelta(days=3 * 365 + 1))
    # Top-ups first (so the balance never goes negative), then a charge per paid invoice.
    conn.execute(
        sa.text("""
        INSERT INTO ledger_entries (user_id, kind, amount_minor, currency, note, created_at)
        SELECT o.user_id, 'topup', SUM(o.price_minor) + (o.user_id * 7919) % 5000, o.currency, 'bank transfer', :ts
        FROM orders o WHERE o.id >= :first AND o.status <> 'not_processed'
        GROUP BY o.user_id, o.currency ORDER BY o.user_id"""),
        {"first": first_order, "ts": start_ts},
    )
    conn.execute(
        sa.text("""
        INSERT INTO ledger_entries (user_id, kind, amount_minor, currency, invoice_id, note, created_at)
        SELECT i.user_id, 'charge', -i.gross_minor, i.currency, i.id, 'invoice ' || i.number, i.issued_at
        FROM invoices i WHERE i.id >= :first_invoice AND i.status = 'paid' ORDER BY i.id"""),
        {"first_invoice": first_invoice},
    )
    ledger_count = int(
        conn.execute(
            sa.text("SELECT COUNT(*) FROM ledger_entries WHERE created_at = :ts OR invoice_id >= :fi"),
            {"ts": start_ts, "fi": first_invoice},
        ).scalar_one()
    )
    for index in dropped:
        index.create(conn)
    if bulk:
        search.resume_search_index(conn)  # one pass over the table instead of a trigger per row
    for _table, ddl in foreign_keys:
        conn.execute(sa.text(ddl))  # validates every row once, set-based
    for year, seq in counters.items():
        if year in had_counter:
            conn.execute(sa.text("UPDATE invoice_counters SET last_seq = :s WHERE year = :y"), {"s": seq, "y": year})
        else:
            conn.execute(
                sa.text("INSERT INTO invoice_counters (year, last_seq) VALUES (:y, :s)"), {"y": year, "s": seq}
            )
    if w.pg:
        for table in ("users", "orders", "invoices", "invoice_lines", "ledger_entries"):
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
            )
    return VolumeReport(
        customers=0 if owner_id else customers, orders=orders, invoices=orders, ledger_entries=ledger_count
    )


_NAME_FIRST = np.frombuffer(SERVICE_NAME_FIRST.encode(), dtype=np.uint8)


_NAME_REST = np.frombuffer(SERVICE_NAME_REST.encode(), dtype=np.uint8)


def _service_names(g: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    """`n` distinct names like `r1z7og44` that are not in `taken`."""
    out: list[str] = []
    seen = set(taken)
    while len(out) < n:
        k = n - len(out)
        codes = np.empty((k, SERVICE_NAME_LENGTH), dtype=np.uint8)
        codes[:, 0] = _NAME_FIRST[g.integers(0, len(_NAME_FIRST), size=k)]
        codes[:, 1:] = _NAME_REST[g.integers(0, len(_NAME_REST), size=(k, SERVICE_NAME_LENGTH - 1))]
        for name in codes.view(f"S{SERVICE_NAME_LENGTH}").ravel().astype(f"U{SERVICE_NAME_LENGTH}").tolist():
            if name not in seen:
                seen.add(name)
                out.append(name)
    return out


def _ts_strings(w: _Writer, epoch_seconds: np.ndarray) -> list[str]:
    """Timestamps in the storage format of the backend, vectorised."""
    iso = np.datetime_as_string(epoch_seconds.astype("datetime64[s]"), unit="s")
    if w.pg:
        return np.char.add(iso, "+00:00").tolist()
    return np.char.add(np.char.replace(iso, "T", " "), ".000000").tolist()
