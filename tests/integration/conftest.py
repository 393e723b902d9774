"""Fixtures shared by the integration tests (the databases come from tests/conftest.py)."""

from tests.integration.test_renewals import shop  # noqa: F401 - the shop fixture, for every module here
from tests.integration.test_routes_and_cli import client  # noqa: F401 - the HTTP routes on the test database
