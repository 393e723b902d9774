"""Alembic environment: migrates the database named by INTROSERV_DB_URL (or -x db_url=...)."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from introserv_app.config import get_settings
from introserv_app.db import tables  # noqa: F401 - registers the tables on the metadata
from introserv_app.db.search import include_object
from introserv_app.db.session import create_db_engine
from introserv_app.db.tables import ALL_TABLES

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = ALL_TABLES


def _url() -> str:
    return (
        context.get_x_argument(as_dictionary=True).get("db_url")
        or config.attributes.get("db_url")
        or get_settings().db_url
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True, include_object=include_object
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_db_engine(_url())
    with engine.connect() as conn:
        context.configure(
            connection=conn, target_metadata=target_metadata, render_as_batch=True, include_object=include_object
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
