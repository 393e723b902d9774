"""Settings from the environment, with safe defaults for the embedded (SQLite) mode.

Every setting is documented in README.md ("Configuration").
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DB_URL = f"sqlite:///{DATA_DIR / 'introserv.db'}"


class ConfigError(ValueError):
    """A setting is present but unusable; the message says what to fix."""


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    raw = (os.environ.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _days(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    from introserv_app.domain.lifecycle import parse_days

    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        return parse_days(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}, got {raw!r}") from exc


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


PAYMENT_PROVIDERS = ("demo", "stripe", "yookassa")


def _providers() -> tuple[str, ...]:
    raw = (os.environ.get("INTROSERV_PAYMENT_PROVIDERS") or "").strip().lower()
    # unset: the demo provider in demo mode (`make run`), none otherwise: a shop never takes play money by accident
    default = ("demo",) if _bool("INTROSERV_DEMO_MODE", False) else ()
    names = tuple(dict.fromkeys(p.strip() for p in raw.split(",") if p.strip())) if raw else default
    unknown = [n for n in names if n not in PAYMENT_PROVIDERS]
    if unknown:
        raise ConfigError(
            f"INTROSERV_PAYMENT_PROVIDERS: unknown {', '.join(unknown)}; choose from {', '.join(PAYMENT_PROVIDERS)}"
        )
    for name, keys in (
        ("stripe", ("INTROSERV_STRIPE_SECRET_KEY", "INTROSERV_STRIPE_WEBHOOK_SECRET")),
        ("yookassa", ("INTROSERV_YOOKASSA_SHOP_ID", "INTROSERV_YOOKASSA_SECRET_KEY")),
    ):
        missing = [k for k in keys if name in names and not os.environ.get(k, "").strip()]
        if missing:
            raise ConfigError(f"INTROSERV_PAYMENT_PROVIDERS has {name}: set {' and '.join(missing)}")
    return names


def _secret_key() -> str:
    """INTROSERV_SECRET_KEY, or a random key kept in data/secret_key (created once, mode 0600)."""
    key = os.environ.get("INTROSERV_SECRET_KEY", "").strip()
    if key:
        if len(key) < 32:
            raise ConfigError("INTROSERV_SECRET_KEY must be at least 32 characters")
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str
    password: str
    starttls: bool
    sender: str

    @property
    def configured(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class Settings:
    db_url: str
    redis_url: str | None
    base_url: str
    secret_key: str = field(repr=False)
    smtp: SmtpSettings
    session_idle_minutes: int
    session_absolute_hours: int
    login_max_failures_per_account: int
    login_max_failures_per_ip: int
    login_window_seconds: int
    #: Failed sign-ins to one account from all addresses before browsers it never signed in from must wait.
    login_max_failures_per_account_any_ip: int
    trusted_proxy_hops: int
    seller_country: str
    seller_vat_number: str
    seller_name: str
    #: The seller's postal address on invoices; lines separated by ";".
    seller_address: str
    vies: str  # ec | format | off
    #: The payment providers that are on, in the order customers see them: demo, stripe, yookassa (unset: the
    #: demo provider in demo mode, none otherwise).
    payment_providers: tuple[str, ...]
    pay_link_days: int
    #: Two phone gateways, comma-separated: `console` or `package.module:ClassName`.
    phone_gateways: str
    #: Demo mode (`make run`): the console phone gateway's codes are also shown on the page.
    demo_mode: bool
    #: Seconds after a phone code was sent before "Didn't get it?" (send again, the other channel or gateway).
    phone_resend_seconds: int = 60
    #: Days before paid-until that renewal reminders go out.
    reminder_days: tuple[int, ...] = (14, 7, 3, 1)
    grace_days: int = 3
    suspended_cancel_days: int = 14
    auto_renew_days: int = 3
    #: Days before paid-until that orders without automatic renewal get their renewal invoice.
    invoice_days: int = 7
    #: Newsletter mails the sender takes per run, after every transactional mail that is due (a run every 30 s).
    newsletter_per_run: int = 20
    #: Seconds between runs of the lifecycle job inside the app (0: the app does not run it).
    lifecycle_interval: int = 300
    #: Where customers' new tickets and replies are mailed when no staff member is assigned.
    support_email: str = "support@localhost"
    #: open: anyone may sign up at /signup; closed: only with an invitation link from staff.
    signup: str = "open"
    #: Sign-ups accepted per address and in all per hour (a flood gets a clear "try later").
    signup_per_ip_hour: int = 5
    signup_per_hour: int = 100
    #: required: staff must set up a second factor before the console opens; optional: their choice.
    staff_2fa: str = "optional"
    stripe_secret_key: str = field(default="", repr=False)
    stripe_webhook_secret: str = field(default="", repr=False)
    #: Another address for Stripe's API (the tests' local fake); empty: Stripe's own.
    stripe_api_base: str = ""
    yookassa_shop_id: str = ""
    yookassa_secret_key: str = field(default="", repr=False)
    yookassa_api_base: str = ""
    #: Minutes a payment may stay pending before the reconciliation asks its provider about it.
    payment_reconcile_minutes: int = 5
    #: "Cancel immediately" credits the unused days of the paid period to the balance (with a credit note).
    refund_unused: bool = False
    #: Seconds a call to a server's management controller (BMC) may take before the panel gives up.
    bmc_timeout: int = 10
    #: Power and boot actions a server accepts per window (per order), and the window in seconds.
    bmc_actions_per_window: int = 10
    bmc_action_window: int = 600
    #: API requests per minute per key and per client address (429 with Retry-After beyond).
    api_per_key_per_minute: int = 120
    api_per_ip_per_minute: int = 300
    #: Password checks (argon2id) at once per worker process, each on a thread of its own.
    password_checks: int = 1

    @property
    def cookie_secure(self) -> bool:
        return self.base_url.startswith("https://")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings once per process."""
    return Settings(
        db_url=os.environ.get("INTROSERV_DB_URL", "").strip() or DEFAULT_DB_URL,
        redis_url=os.environ.get("INTROSERV_REDIS_URL", "").strip() or None,
        base_url=(os.environ.get("INTROSERV_BASE_URL", "").strip() or "http://localhost:3000").rstrip("/"),
        secret_key=_secret_key(),
        smtp=SmtpSettings(
            host=os.environ.get("INTROSERV_SMTP_HOST", "").strip(),
            port=_int("INTROSERV_SMTP_PORT", 25, 1),
            username=os.environ.get("INTROSERV_SMTP_USER", ""),
            password=os.environ.get("INTROSERV_SMTP_PASSWORD", ""),
            starttls=_bool("INTROSERV_SMTP_STARTTLS", False),
            sender=os.environ.get("INTROSERV_SMTP_FROM", "").strip() or "INTROSERV <billing@localhost>",
        ),
        session_idle_minutes=_int("INTROSERV_SESSION_IDLE_MINUTES", 30, 1),
        session_absolute_hours=_int("INTROSERV_SESSION_ABSOLUTE_HOURS", 12, 1),
        login_max_failures_per_account=_int("INTROSERV_LOGIN_MAX_FAILURES_ACCOUNT", 5, 1),
        login_max_failures_per_ip=_int("INTROSERV_LOGIN_MAX_FAILURES_IP", 20, 1),
        login_window_seconds=_int("INTROSERV_LOGIN_WINDOW_SECONDS", 900, 1),
        login_max_failures_per_account_any_ip=_int("INTROSERV_LOGIN_MAX_FAILURES_ACCOUNT_ANY_IP", 50, 1),
        trusted_proxy_hops=_int("INTROSERV_TRUSTED_PROXY_HOPS", 0, 0),
        seller_country=(os.environ.get("INTROSERV_SELLER_COUNTRY", "").strip() or "NL").upper(),
        seller_vat_number=os.environ.get("INTROSERV_SELLER_VAT_NUMBER", "").strip().upper(),
        seller_name=os.environ.get("INTROSERV_SELLER_NAME", "").strip() or "INTROSERV",
        seller_address=os.environ.get("INTROSERV_SELLER_ADDRESS", "").strip(),
        vies=_choice("INTROSERV_VIES", ("ec", "format", "off"), "ec"),
        payment_providers=_providers(),
        pay_link_days=_int("INTROSERV_PAY_LINK_DAYS", 30, 1),
        phone_gateways=os.environ.get("INTROSERV_PHONE_GATEWAYS", "").strip() or "console,console",
        demo_mode=_bool("INTROSERV_DEMO_MODE", False),
        phone_resend_seconds=_int("INTROSERV_PHONE_RESEND_SECONDS", 60, 1),
        reminder_days=_days("INTROSERV_REMINDER_DAYS", (14, 7, 3, 1)),
        grace_days=_int("INTROSERV_GRACE_DAYS", 3, 0),
        suspended_cancel_days=_int("INTROSERV_SUSPENDED_CANCEL_DAYS", 14, 0),
        auto_renew_days=_int("INTROSERV_AUTO_RENEW_DAYS", 3, 0),
        invoice_days=_int("INTROSERV_INVOICE_DAYS", 7, 1),
        newsletter_per_run=_int("INTROSERV_NEWSLETTER_PER_RUN", 20, 1),
        lifecycle_interval=_int("INTROSERV_LIFECYCLE_INTERVAL", 300, 0),
        support_email=os.environ.get("INTROSERV_SUPPORT_EMAIL", "").strip() or "support@localhost",
        signup=_choice("INTROSERV_SIGNUP", ("open", "closed"), "open"),
        signup_per_ip_hour=_int("INTROSERV_SIGNUP_PER_IP_HOUR", 5, 1),
        signup_per_hour=_int("INTROSERV_SIGNUP_PER_HOUR", 100, 1),
        # Production mode (PostgreSQL + Redis) requires it unless told otherwise.
        staff_2fa=_choice(
            "INTROSERV_STAFF_2FA",
            ("required", "optional"),
            "required" if os.environ.get("INTROSERV_REDIS_URL", "").strip() else "optional",
        ),
        stripe_secret_key=os.environ.get("INTROSERV_STRIPE_SECRET_KEY", "").strip(),
        stripe_webhook_secret=os.environ.get("INTROSERV_STRIPE_WEBHOOK_SECRET", "").strip(),
        stripe_api_base=os.environ.get("INTROSERV_STRIPE_API_BASE", "").strip().rstrip("/"),
        yookassa_shop_id=os.environ.get("INTROSERV_YOOKASSA_SHOP_ID", "").strip(),
        yookassa_secret_key=os.environ.get("INTROSERV_YOOKASSA_SECRET_KEY", "").strip(),
        yookassa_api_base=os.environ.get("INTROSERV_YOOKASSA_API_BASE", "").strip().rstrip("/"),
        payment_reconcile_minutes=_int("INTROSERV_PAYMENT_RECONCILE_MINUTES", 5, 1),
        refund_unused=_bool("INTROSERV_REFUND_UNUSED", False),
        bmc_timeout=_int("INTROSERV_BMC_TIMEOUT", 10, 1),
        bmc_actions_per_window=_int("INTROSERV_BMC_ACTIONS_PER_WINDOW", 10, 1),
        bmc_action_window=_int("INTROSERV_BMC_ACTION_WINDOW", 600, 1),
        api_per_key_per_minute=_int("INTROSERV_API_PER_KEY_PER_MINUTE", 120, 1),
        api_per_ip_per_minute=_int("INTROSERV_API_PER_IP_PER_MINUTE", 300, 1),
        password_checks=_int("INTROSERV_PASSWORD_CHECKS", 1, 1),
    )
