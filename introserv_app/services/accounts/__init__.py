"""Accounts: who the customers and staff are and how they prove it. Sign-in and sessions (the cookie, expiry,
revocation), throttling and device cookies, passwords, users and roles, the Settings page (profile, password, code
word, call password, e-mail change, phone verification, language) and the customer's dashboard. Imports
services.common, services.messaging, services.orders and services.billing. Sign-up (with invitations
and the e-mail confirmation), password reset and second factors."""

from __future__ import annotations

from ._passkeys import Ceremony

# Vocabulary: values, limits and messages.
from ._passwords import PasswordCheck, hash_password, run_check, verdict
from ._phone import MSG_TICKET_NOT_YET, MSG_TOO_MANY_SENDS, MSG_WAIT, SENDS_PER_HOUR, resend_wait

# Readers: view data for screens and routes.
from ._readers.data_export import my_data_files
from ._readers.overview import dashboard_summary
from ._readers.phone import PhoneAttempt, PhoneStatus, phone_attempts, phone_status
from ._readers.security import PasskeyLine, SecurityView, security_view
from ._readers.sessions import SessionLine, active_sessions
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
from ._second_factor import MSG_STAFF_2FA_FIRST, RECOVERY_CODES, has_second_factor, staff_lacks_second_factor
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
from ._writers.closure import MSG_CLOSURE_OPEN, close_account, request_closure
from ._writers.email_change import confirm_email, request_email_change, send_confirmation_link
from ._writers.passkey_sign_in import (
    MSG_PASSKEY_REFUSED,
    passkey_options,
    passkey_sign_in,
    second_step_passkey_options,
)
from ._writers.passkeys import add_passkey, begin_passkey, delete_passkey, rename_passkey, set_passwordless
from ._writers.phone import (
    CHANNELS,
    MAX_ATTEMPTS,
    MSG_EXPIRED,
    MSG_LOCKED,
    MSG_WRONG_CODE,
    check_code,
    gateways_from_settings,
    open_phone_ticket,
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
from ._writers.secrets import change_password, confirm_password, secret_matches, set_call_password, set_code_word
from ._writers.session_control import end_other_sessions, end_session, new_device_mail_on, set_new_device_mail
from ._writers.settings import save_settings
from ._writers.sign_in import (
    MSG_CHALLENGE_EXPIRED,
    MSG_CODE_TRIES,
    MSG_EMPTY,
    MSG_EXCHANGE_FAILED,
    MSG_INVALID,
    MSG_THROTTLED,
    MSG_WRONG_SECOND_FACTOR,
    LoginOutcome,
    authenticate,
    complete_login,
    logout,
    password_check,
    second_step,
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
from ._writers.two_factor import (
    TotpSetup,
    disable_totp,
    enable_totp,
    regenerate_recovery_codes,
    remove_second_factor,
    start_totp,
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
    "MSG_CHALLENGE_EXPIRED",
    "MSG_CLOSURE_OPEN",
    "MSG_CODE_TRIES",
    "MSG_CODE_WORD_SET",
    "MSG_CURRENCY_LOCKED",
    "MSG_EMPTY",
    "MSG_EXCHANGE_FAILED",
    "MSG_EXPIRED",
    "MSG_INVALID",
    "MSG_INVITE_BAD",
    "MSG_LINK_BAD",
    "MSG_LOCKED",
    "MSG_PASSKEY_REFUSED",
    "MSG_RESENT",
    "MSG_RESET_DONE",
    "MSG_RESET_LINK_BAD",
    "MSG_RESET_SENT",
    "MSG_SIGNUP_CLOSED",
    "MSG_SIGNUP_SENT",
    "MSG_STAFF_2FA_FIRST",
    "MSG_THROTTLED",
    "MSG_TICKET_NOT_YET",
    "MSG_TOO_MANY_SENDS",
    "MSG_WAIT",
    "MSG_WRONG_CODE",
    "MSG_WRONG_PASSWORD",
    "MSG_WRONG_SECOND_FACTOR",
    "RECOVERY_CODES",
    "SENDS_PER_HOUR",
    "SESSION_COOKIE",
    "TOUCH_EVERY",
    "Ceremony",
    "LoginOutcome",
    "PasskeyLine",
    "PasswordCheck",
    "PhoneAttempt",
    "PhoneStatus",
    "SecurityView",
    "SessionLine",
    "SettingsInvalid",
    "SignInAttempts",
    "SignUp",
    "TotpSetup",
    "active_sessions",
    "add_passkey",
    "authenticate",
    "begin_passkey",
    "change_password",
    "check_code",
    "close_account",
    "complete_login",
    "confirm_email",
    "confirm_password",
    "cookie_from_header",
    "create_user",
    "dashboard_summary",
    "delete_passkey",
    "device_cookie_value",
    "disable_totp",
    "enable_totp",
    "end_other_sessions",
    "end_session",
    "gateways_from_settings",
    "has_second_factor",
    "hash_password",
    "invite",
    "logout",
    "my_data_files",
    "new_device_mail_on",
    "open_phone_ticket",
    "passkey_options",
    "passkey_sign_in",
    "password_check",
    "phone_attempts",
    "phone_status",
    "regenerate_recovery_codes",
    "remove_second_factor",
    "rename_passkey",
    "request_closure",
    "request_email_change",
    "request_password_reset",
    "resend_confirmation",
    "resend_wait",
    "reset_password",
    "reset_username",
    "resolve_session",
    "run_check",
    "save_settings",
    "second_step",
    "second_step_passkey_options",
    "secret_matches",
    "security_view",
    "send_code",
    "send_confirmation_link",
    "send_reset_link",
    "sessions_changed",
    "sessions_generation",
    "set_call_password",
    "set_code_word",
    "set_language",
    "set_new_device_mail",
    "set_passwordless",
    "settings_view",
    "sign_in_attempts",
    "sign_up",
    "staff_lacks_second_factor",
    "start_totp",
    "token_from_cookie_header",
    "token_hash",
    "verdict",
]
