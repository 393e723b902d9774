"""Accounts: who the customers and staff are and how they prove it. Sign-in and sessions (the cookie, expiry,
revocation), throttling and device cookies, passwords, users and roles, the Settings page (profile, password, code
word, call password, e-mail change, phone verification, language) and the customer's dashboard. Imports
services.common, services.messaging, services.orders and services.billing. Sign-up (with invitations
and the e-mail confirmation), password reset and second factors."""

from __future__ import annotations

# Vocabulary: values, limits and messages.
from ._passwords import hash_password

# Readers: view data for screens and routes.
from ._readers.overview import dashboard_summary
from ._readers.settings import settings_view
from ._readers.sign_in_attempts import SignInAttempts, sign_in_attempts
from ._rules import (
    FORM_FIELDS,
    MSG_CODE_WORD_SET,
    MSG_CURRENCY_LOCKED,
    MSG_LINK_BAD,
    MSG_WRONG_PASSWORD,
    SettingsInvalid,
)
from ._sessions import (
    LOGIN_BINDING_COOKIE,
    SESSION_COOKIE,
    TOUCH_EVERY,
    cookie_from_header,
    resolve_session,
    sessions_changed,
    sessions_generation,
    token_from_cookie_header,
    token_hash,
)
from ._throttle import DEVICE_COOKIE, DEVICE_DAYS, FIRST_DELAY_SECONDS, device_cookie_value

# Writers: commands that change data.
from ._writers.email_change import confirm_email, request_email_change, send_confirmation_link
from ._writers.phone import (
    CHANNELS,
    MAX_ATTEMPTS,
    MSG_EXPIRED,
    MSG_LOCKED,
    MSG_TOO_MANY_SENDS,
    MSG_WRONG_CODE,
    check_code,
    gateways_from_settings,
    send_code,
)
from ._writers.profile import set_language
from ._writers.recovery import (
    MSG_RESET_DONE,
    MSG_RESET_LINK_BAD,
    MSG_RESET_SENT,
    request_password_reset,
    reset_password,
    reset_username,
    send_reset_link,
)
from ._writers.secrets import change_password, secret_matches, set_call_password, set_code_word
from ._writers.settings import save_settings
from ._writers.sign_in import (
    MSG_EMPTY,
    MSG_EXCHANGE_FAILED,
    MSG_INVALID,
    MSG_THROTTLED,
    LoginOutcome,
    authenticate,
    complete_login,
    logout,
)
from ._writers.signup import (
    MSG_INVITE_BAD,
    MSG_RESENT,
    MSG_SIGNUP_CLOSED,
    MSG_SIGNUP_SENT,
    SignUp,
    invite,
    resend_confirmation,
    sign_up,
)
from ._writers.users import create_user

__all__ = [
    "CHANNELS",
    "DEVICE_COOKIE",
    "DEVICE_DAYS",
    "FIRST_DELAY_SECONDS",
    "FORM_FIELDS",
    "LOGIN_BINDING_COOKIE",
    "MAX_ATTEMPTS",
    "MSG_CODE_WORD_SET",
    "MSG_CURRENCY_LOCKED",
    "MSG_EMPTY",
    "MSG_EXCHANGE_FAILED",
    "MSG_EXPIRED",
    "MSG_INVALID",
    "MSG_INVITE_BAD",
    "MSG_LINK_BAD",
    "MSG_LOCKED",
    "MSG_RESENT",
    "MSG_RESET_DONE",
    "MSG_RESET_LINK_BAD",
    "MSG_RESET_SENT",
    "MSG_SIGNUP_CLOSED",
    "MSG_SIGNUP_SENT",
    "MSG_THROTTLED",
    "MSG_TOO_MANY_SENDS",
    "MSG_WRONG_CODE",
    "MSG_WRONG_PASSWORD",
    "SESSION_COOKIE",
    "TOUCH_EVERY",
    "LoginOutcome",
    "SettingsInvalid",
    "SignInAttempts",
    "SignUp",
    "authenticate",
    "change_password",
    "check_code",
    "complete_login",
    "confirm_email",
    "cookie_from_header",
    "create_user",
    "dashboard_summary",
    "device_cookie_value",
    "gateways_from_settings",
    "hash_password",
    "invite",
    "logout",
    "request_email_change",
    "request_password_reset",
    "resend_confirmation",
    "reset_password",
    "reset_username",
    "resolve_session",
    "save_settings",
    "secret_matches",
    "send_code",
    "send_confirmation_link",
    "send_reset_link",
    "sessions_changed",
    "sessions_generation",
    "set_call_password",
    "set_code_word",
    "set_language",
    "settings_view",
    "sign_in_attempts",
    "sign_up",
    "token_from_cookie_header",
    "token_hash",
]
