"""The VIES client, with a fake opener (tests never reach the internet)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from introserv_app.domain.vat import parse_vat_number
from introserv_app.services.billing import EcViesChecker, FormatOnlyChecker, NoChecker

DE = parse_vat_number("DE136695976")
EL = parse_vat_number("EL094259216")


class FakeOpener:
    def __init__(self, body: Any = None, error: Exception | None = None) -> None:
        self.body, self.error, self.urls = body, error, []

    def __call__(self, url: str, timeout: float) -> io.BytesIO:
        self.urls.append(url)
        if self.error:
            raise self.error
        return io.BytesIO(json.dumps(self.body).encode())


@pytest.mark.parametrize(
    ("body", "error", "expected"),
    [
        ({"isValid": True, "name": "X GmbH"}, None, True),
        ({"isValid": False}, None, False),
        (None, TimeoutError("no answer"), None),
        ({"errorWrappers": [{"error": "MS_UNAVAILABLE"}]}, None, None),
        ("not an object", None, None),
    ],
)
def test_the_ec_client_answers_valid_invalid_or_unknown(
    body: Any, error: Exception | None, expected: bool | None
) -> None:
    opener = FakeOpener(body, error)
    assert DE is not None
    assert EcViesChecker(opener=opener).check(DE) is expected
    assert opener.urls == ["https://ec.europa.eu/taxation_customs/vies/rest-api/ms/DE/vat/136695976"]


def test_greece_is_asked_with_its_vat_prefix() -> None:
    opener = FakeOpener({"isValid": True})
    assert EL is not None and EL.country == "GR"
    EcViesChecker(opener=opener).check(EL)
    assert opener.urls[0].endswith("/ms/EL/vat/094259216")


def test_demo_and_off_checkers() -> None:
    assert DE is not None
    assert FormatOnlyChecker().check(DE) is True and NoChecker().check(DE) is None
