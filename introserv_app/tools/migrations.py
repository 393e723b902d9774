"""Applying the Alembic migrations programmatically."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.config import Config

from alembic import command
from introserv_app.config import PROJECT_ROOT


def alembic_config(db_url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.attributes["db_url"] = db_url
    cfg.attributes["configure_logger"] = False
    return cfg


#: PostgreSQL advisory lock key: two machines starting at once apply the migrations one after the other.
MIGRATION_LOCK = 7_411_903


def upgrade_head(db_url: str) -> None:
    """`alembic upgrade head` on `db_url` (on PostgreSQL under an advisory lock)."""
    if not db_url.startswith("postgresql"):
        command.upgrade(alembic_config(db_url), "head")
        return
    from introserv_app.db.session import create_db_engine

    engine = create_db_engine(db_url)
    try:
        with engine.connect() as lock:
            lock.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
            try:
                command.upgrade(alembic_config(db_url), "head")
            finally:
                lock.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
    finally:
        engine.dispose()
