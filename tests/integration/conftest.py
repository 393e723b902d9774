"""Fixtures shared by the integration tests (the databases come from tests/conftest.py)."""

from tests.integration.test_renewals import shop  # noqa: F401 - the shop fixture, for every module here
