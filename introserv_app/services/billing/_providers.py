"""Payment providers: the interface the ledger charges through, and the bundled test provider."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

from introserv_app.config import get_settings
from introserv_app.domain.money import Money


@dataclass(frozen=True)
class PaymentResult:
    ok: bool
    reference: str = ""
    error: str = ""


class PaymentProvider(Protocol):
    """A card/payment gateway. `charge` must be idempotent for one `reference`."""

    name: str

    def charge(self, *, amount: Money, reference: str, method: str) -> PaymentResult: ...


class TestPaymentProvider:
    """The bundled demo provider: succeeds, unless the method asks it to decline (`decline`)."""

    name = "test"

    def charge(self, *, amount: Money, reference: str, method: str) -> PaymentResult:
        if method == "decline":
            return PaymentResult(ok=False, error="card declined (test provider)")
        return PaymentResult(ok=True, reference=f"test-{reference}")


def payment_provider(spec: str | None = None) -> PaymentProvider:
    """The configured provider: `test` (bundled) or `package.module:ClassName` (constructed without arguments)."""
    spec = spec if spec is not None else get_settings().payment_provider
    if spec == "test":
        return TestPaymentProvider()
    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name:
        raise ValueError(f"INTROSERV_PAYMENT_PROVIDER must be 'test' or 'package.module:ClassName', not {spec!r}")
    provider = getattr(importlib.import_module(module_name), class_name)()
    if not callable(getattr(provider, "charge", None)):
        raise ValueError(f"{spec} has no charge() method")
    return provider  # type: ignore[no-any-return]
