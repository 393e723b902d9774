"""VAT number validity through VIES (the EU's VAT Information Exchange System), behind an interface.

`VatChecker.check` answers True (registered), False (not registered) or None (VIES did not answer:
the number counts as not validated, so VAT is charged as for a consumer; the check can be repeated).
Implementations: `EcViesChecker` (the European Commission's public REST service, chosen with
INTROSERV_VIES=ec, the default), `FormatOnlyChecker` (INTROSERV_VIES=format: checksum only, for demos
without internet; never for real invoicing), `NoChecker` (off). Tests use their own fakes and never
reach the internet.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Callable
from typing import Any, Protocol

from introserv_app.config import get_settings
from introserv_app.domain.vat import VAT_PREFIX, VatNumber

log = logging.getLogger("introserv.vies")
EC_VIES_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api/ms/{prefix}/vat/{number}"


class VatChecker(Protocol):
    def check(self, vat: VatNumber) -> bool | None: ...


class EcViesChecker:
    def __init__(self, opener: Callable[..., Any] = urllib.request.urlopen, timeout: float = 5.0) -> None:
        self._open = opener
        self._timeout = timeout

    def check(self, vat: VatNumber) -> bool | None:
        prefix = VAT_PREFIX[vat.country]
        url = EC_VIES_URL.format(prefix=prefix, number=vat.number[2:])
        try:
            with self._open(url, timeout=self._timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except Exception as exc:  # noqa: BLE001 - any network or decoding failure means "no answer"
            log.warning("VIES did not answer for %s: %s", vat.number, exc)
            return None
        if not isinstance(answer, dict) or "isValid" not in answer:
            return None
        return bool(answer["isValid"])


class FormatOnlyChecker:
    def check(self, vat: VatNumber) -> bool | None:
        return True  # parse_vat_number already checked the format and checksum


class NoChecker:
    def check(self, vat: VatNumber) -> bool | None:
        return None


def checker_from_settings() -> VatChecker:
    mode = get_settings().vies
    if mode == "format":
        return FormatOnlyChecker()
    if mode == "off":
        return NoChecker()
    return EcViesChecker()
