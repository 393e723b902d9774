"""Payment providers behind one interface (`base.Gateway`): the bundled demo checkout, Stripe and YooKassa."""

from __future__ import annotations

from functools import lru_cache

from introserv_app.config import get_settings
from introserv_app.services.billing._gateways.base import Gateway


@lru_cache(maxsize=8)
def _make(name: str, key: tuple[str, ...]) -> Gateway:
    settings = get_settings()
    if name == "demo":
        from introserv_app.services.billing._gateways.demo import DemoGateway

        return DemoGateway()
    if name == "stripe":
        from introserv_app.services.billing._gateways.stripe_gateway import StripeGateway

        return StripeGateway(
            secret_key=settings.stripe_secret_key,
            webhook_secret=settings.stripe_webhook_secret,
            api_base=settings.stripe_api_base,
        )
    if name == "yookassa":
        from introserv_app.services.billing._gateways.yookassa_gateway import YooKassaGateway

        return YooKassaGateway(
            shop_id=settings.yookassa_shop_id,
            secret_key=settings.yookassa_secret_key,
            api_base=settings.yookassa_api_base,
        )
    raise LookupError(f"no payment provider {name!r}")


def gateway(name: str) -> Gateway:
    """The provider `name` as configured (one client per process and configuration)."""
    s = get_settings()
    return _make(
        name,
        (s.stripe_secret_key, s.stripe_webhook_secret, s.stripe_api_base, s.yookassa_shop_id, s.yookassa_api_base),
    )


def enabled_providers() -> tuple[str, ...]:
    return get_settings().payment_providers
