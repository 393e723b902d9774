"""Applying the Alembic migrations programmatically."""

from __future__ import annotations

from alembic.config import Config

from alembic import command
from introserv_app.config import PROJECT_ROOT


def alembic_config(db_url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.attributes["db_url"] = db_url
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade_head(db_url: str) -> None:
    """`alembic upgrade head` on `db_url`."""
    command.upgrade(alembic_config(db_url), "head")
