"""Accounts: who the customers and staff are and how they prove it. Sign-in and sessions (the cookie, expiry,
revocation), throttling and device cookies, passwords, users and roles, the Settings page (profile, password, code
word, call password, e-mail change, phone verification, language) and the customer's dashboard. Imports
services.common, services.messaging, services.orders and services.billing. Sign-up, recovery and second factors go
here."""

from __future__ import annotations

# Vocabulary: values, limits and messages.
from ._passwords import (
    hash_password as hash_password,
)

# Readers: view data for screens and routes.
from ._readers.overview import (
    dashboard_summary as dashboard_summary,
)
from ._readers.settings import (
    settings_view as settings_view,
)
from ._readers.sign_in_attempts import (
    SignInAttempts as SignInAttempts,
)
from ._readers.sign_in_attempts import (
    sign_in_attempts as sign_in_attempts,
)
from ._rules import (
    FORM_FIELDS as FORM_FIELDS,
)
from ._rules import (
    MSG_CODE_WORD_SET as MSG_CODE_WORD_SET,
)
from ._rules import (
    MSG_CURRENCY_LOCKED as MSG_CURRENCY_LOCKED,
)
from ._rules import (
    MSG_LINK_BAD as MSG_LINK_BAD,
)
from ._rules import (
    MSG_WRONG_PASSWORD as MSG_WRONG_PASSWORD,
)
from ._rules import (
    SettingsInvalid as SettingsInvalid,
)
from ._sessions import (
    LOGIN_BINDING_COOKIE as LOGIN_BINDING_COOKIE,
)
from ._sessions import (
    SESSION_COOKIE as SESSION_COOKIE,
)
from ._sessions import (
    TOUCH_EVERY as TOUCH_EVERY,
)
from ._sessions import (
    cookie_from_header as cookie_from_header,
)
from ._sessions import (
    resolve_session as resolve_session,
)
from ._sessions import (
    sessions_changed as sessions_changed,
)
from ._sessions import (
    sessions_generation as sessions_generation,
)
from ._sessions import (
    token_from_cookie_header as token_from_cookie_header,
)
from ._sessions import (
    token_hash as token_hash,
)
from ._throttle import (
    DEVICE_COOKIE as DEVICE_COOKIE,
)
from ._throttle import (
    DEVICE_DAYS as DEVICE_DAYS,
)
from ._throttle import (
    FIRST_DELAY_SECONDS as FIRST_DELAY_SECONDS,
)
from ._throttle import (
    device_cookie_value as device_cookie_value,
)

# Writers: commands that change data.
from ._writers.email_change import (
    confirm_email as confirm_email,
)
from ._writers.email_change import (
    request_email_change as request_email_change,
)
from ._writers.email_change import (
    send_confirmation_link as send_confirmation_link,
)
from ._writers.phone import (
    CHANNELS as CHANNELS,
)
from ._writers.phone import (
    MAX_ATTEMPTS as MAX_ATTEMPTS,
)
from ._writers.phone import (
    MSG_EXPIRED as MSG_EXPIRED,
)
from ._writers.phone import (
    MSG_LOCKED as MSG_LOCKED,
)
from ._writers.phone import (
    MSG_TOO_MANY_SENDS as MSG_TOO_MANY_SENDS,
)
from ._writers.phone import (
    MSG_WRONG_CODE as MSG_WRONG_CODE,
)
from ._writers.phone import (
    check_code as check_code,
)
from ._writers.phone import (
    gateways_from_settings as gateways_from_settings,
)
from ._writers.phone import (
    send_code as send_code,
)
from ._writers.profile import (
    set_language as set_language,
)
from ._writers.secrets import (
    change_password as change_password,
)
from ._writers.secrets import (
    set_call_password as set_call_password,
)
from ._writers.secrets import (
    set_code_word as set_code_word,
)
from ._writers.settings import (
    save_settings as save_settings,
)
from ._writers.sign_in import (
    MSG_EMPTY as MSG_EMPTY,
)
from ._writers.sign_in import (
    MSG_EXCHANGE_FAILED as MSG_EXCHANGE_FAILED,
)
from ._writers.sign_in import (
    MSG_INVALID as MSG_INVALID,
)
from ._writers.sign_in import (
    MSG_THROTTLED as MSG_THROTTLED,
)
from ._writers.sign_in import (
    LoginOutcome as LoginOutcome,
)
from ._writers.sign_in import (
    authenticate as authenticate,
)
from ._writers.sign_in import (
    complete_login as complete_login,
)
from ._writers.sign_in import (
    logout as logout,
)
from ._writers.users import (
    create_user as create_user,
)
