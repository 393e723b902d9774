"""Accounts: who the customers and staff are and how they prove it. Sign-in and sessions (the cookie, expiry,
revocation), throttling and device cookies, passwords, users and roles, the Settings page (profile, password, code
word, call password, e-mail change, phone verification, language) and the customer's dashboard. Imports
services.common, services.messaging, services.orders and services.billing. Sign-up, recovery and second factors go
here."""

from __future__ import annotations

# Readers: view data for screens and routes.
from ._readers.overview import (
    dashboard_summary as dashboard_summary,
)
from ._readers.settings import (
    settings_view as settings_view,
)
from ._readers.sign_in_attempts import (
    SignInAttempts as SignInAttempts,
    sign_in_attempts as sign_in_attempts,
)

# Writers: commands that change data.
from ._writers.email_change import (
    confirm_email as confirm_email,
    request_email_change as request_email_change,
    send_confirmation_link as send_confirmation_link,
)
from ._writers.phone import (
    CHANNELS as CHANNELS,
    MAX_ATTEMPTS as MAX_ATTEMPTS,
    MSG_EXPIRED as MSG_EXPIRED,
    MSG_LOCKED as MSG_LOCKED,
    MSG_TOO_MANY_SENDS as MSG_TOO_MANY_SENDS,
    MSG_WRONG_CODE as MSG_WRONG_CODE,
    check_code as check_code,
    gateways_from_settings as gateways_from_settings,
    send_code as send_code,
)
from ._writers.profile import (
    set_language as set_language,
)
from ._writers.secrets import (
    change_password as change_password,
    set_call_password as set_call_password,
    set_code_word as set_code_word,
)
from ._writers.settings import (
    save_settings as save_settings,
)
from ._writers.sign_in import (
    LoginOutcome as LoginOutcome,
    MSG_EMPTY as MSG_EMPTY,
    MSG_EXCHANGE_FAILED as MSG_EXCHANGE_FAILED,
    MSG_INVALID as MSG_INVALID,
    MSG_THROTTLED as MSG_THROTTLED,
    authenticate as authenticate,
    complete_login as complete_login,
    logout as logout,
)
from ._writers.users import (
    create_user as create_user,
)

# Vocabulary: values, limits and messages.
from ._passwords import (
    hash_password as hash_password,
)
from ._rules import (
    FORM_FIELDS as FORM_FIELDS,
    MSG_CODE_WORD_SET as MSG_CODE_WORD_SET,
    MSG_CURRENCY_LOCKED as MSG_CURRENCY_LOCKED,
    MSG_LINK_BAD as MSG_LINK_BAD,
    MSG_WRONG_PASSWORD as MSG_WRONG_PASSWORD,
    SettingsInvalid as SettingsInvalid,
)
from ._sessions import (
    LOGIN_BINDING_COOKIE as LOGIN_BINDING_COOKIE,
    SESSION_COOKIE as SESSION_COOKIE,
    TOUCH_EVERY as TOUCH_EVERY,
    cookie_from_header as cookie_from_header,
    resolve_session as resolve_session,
    sessions_changed as sessions_changed,
    sessions_generation as sessions_generation,
    token_from_cookie_header as token_from_cookie_header,
    token_hash as token_hash,
)
from ._throttle import (
    DEVICE_COOKIE as DEVICE_COOKIE,
    DEVICE_DAYS as DEVICE_DAYS,
    FIRST_DELAY_SECONDS as FIRST_DELAY_SECONDS,
    device_cookie_value as device_cookie_value,
)
