"""Substring search index for orders (SQLite FTS5 trigram + triggers; PostgreSQL pg_trgm GIN).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Staff search over a million orders must not scan the table on every keystroke. This DDL is a frozen
copy of introserv_app/db/search.py at the time of this revision.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLS = "service_name, main_ip, comment"
PG_EXPR = "(orders.service_name || ' ' || coalesce(orders.main_ip, '') || ' ' || orders.comment)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"CREATE VIRTUAL TABLE orders_fts USING fts5({COLS}, content='orders', content_rowid='id', "
            "tokenize='trigram')"
        )
        op.execute(f"""CREATE TRIGGER orders_fts_ai AFTER INSERT ON orders BEGIN
            INSERT INTO orders_fts(rowid, {COLS}) VALUES (new.id, new.service_name, new.main_ip, new.comment);
        END""")
        op.execute(f"""CREATE TRIGGER orders_fts_ad AFTER DELETE ON orders BEGIN
            INSERT INTO orders_fts(orders_fts, rowid, {COLS})
            VALUES ('delete', old.id, old.service_name, old.main_ip, old.comment);
        END""")
        op.execute(f"""CREATE TRIGGER orders_fts_au AFTER UPDATE OF {COLS} ON orders BEGIN
            INSERT INTO orders_fts(orders_fts, rowid, {COLS})
            VALUES ('delete', old.id, old.service_name, old.main_ip, old.comment);
            INSERT INTO orders_fts(rowid, {COLS}) VALUES (new.id, new.service_name, new.main_ip, new.comment);
        END""")
        op.execute("INSERT INTO orders_fts(orders_fts) VALUES ('rebuild')")
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_orders_search_trgm ON orders USING gin ({PG_EXPR} gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("orders_fts_ai", "orders_fts_ad", "orders_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS orders_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_orders_search_trgm")
