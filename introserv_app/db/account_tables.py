"""The tables of signing in and proving who one is: sessions, single-use links (reset, invitation, e-mail
confirmation), phone verification and second factors. Only hashes of tokens and codes are stored; the TOTP
secret is encrypted. Re-exported by `db.tables`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from introserv_app.db.types import UTCDateTime, utcnow


def _ts(nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(UTCDateTime(), nullable=nullable)


class UserSession(SQLModel, table=True):
    """A login session. Only hashes of the tokens are stored."""

    __tablename__ = "sessions"
    __table_args__ = (
        sa.Index("ix_sessions_ip", "ip"),
        sa.Index("ix_sessions_challenge_hash", "challenge_hash", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    #: sha256 of the cookie token; set when the login ticket is exchanged for the cookie.
    token_hash: str | None = Field(default=None, max_length=64, sa_column_kwargs={"unique": True})
    #: sha256 of the one-time login ticket that the login form hands to /auth/complete.
    ticket_hash: str | None = Field(default=None, max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: datetime = Field(sa_column=_ts())
    ip: str | None = Field(default=None, max_length=45)
    user_agent: str | None = Field(default=None, max_length=255)
    revoked_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    #: sha256 of the second-factor challenge: the password was right, the second factor is still to come.
    challenge_hash: str | None = Field(default=None, max_length=64)
    #: How the second factor was given (totp | recovery | passkey), None for password-only accounts.
    second_factor: str | None = Field(default=None, max_length=16)


class AccountToken(SQLModel, table=True):
    """A single-use link sent by mail: a password reset (30 minutes) or an invitation to sign up (7 days).
    Only the hash of the link's token is stored."""

    __tablename__ = "account_tokens"
    __table_args__ = (sa.Index("ix_account_tokens_user_purpose", "user_id", "purpose"),)

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=16)  # reset | invite
    user_id: int | None = Field(default=None, foreign_key="users.id")
    email: str = Field(default="", max_length=254)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True, "nullable": False})
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: datetime = Field(sa_column=_ts())
    used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_by: int | None = Field(default=None, foreign_key="users.id")


class TotpFactor(SQLModel, table=True):
    """An authenticator app (RFC 6238). The secret is encrypted with the panel's secret key; `last_step` is the
    time step of the last accepted code (a code is accepted once)."""

    __tablename__ = "totp_factors"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    secret_encrypted: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    #: Set once a correct code has been entered: only then does sign-in ask for it.
    confirmed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    last_step: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class RecoveryCode(SQLModel, table=True):
    """One of the ten single-use recovery codes (hashed)."""

    __tablename__ = "recovery_codes"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    code_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class EmailChange(SQLModel, table=True):
    """A pending confirmation of an email address (a new one, or the current one not yet confirmed)."""

    __tablename__ = "email_changes"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    new_email: str = Field(max_length=254)
    #: sha256 of the link's token; the token itself is only in the email.
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True, "nullable": False})
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: datetime = Field(sa_column=_ts())
    used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class PhoneVerification(SQLModel, table=True):
    """One attempt to send a code to verify a phone number (by SMS, or as the last digits of a calling number):
    what the gateway answered is kept for support; a failed send has no code."""

    __tablename__ = "phone_verifications"
    __table_args__ = (sa.Index("ix_phone_verifications_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    phone: str = Field(max_length=20)
    channel: str = Field(max_length=8)  # sms | call
    gateway: int = Field(default=0)  # 0: the first gateway, 1: the second
    #: The gateway's name at the time (configuration may change later).
    gateway_name: str = Field(default="", max_length=40, sa_column_kwargs={"server_default": ""})
    outcome: str = Field(default="accepted", max_length=8, sa_column_kwargs={"server_default": "accepted"})
    #: Why the gateway failed (its error or refusal), for support; empty when it accepted the message.
    error: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    code_hash: str = Field(max_length=64)
    attempts: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: datetime = Field(sa_column=_ts())
    verified_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class Passkey(SQLModel, table=True):
    """A WebAuthn credential (a passkey): its id and public key as base64url, the signature counter."""

    __tablename__ = "passkeys"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    credential_id: str = Field(max_length=1400, sa_column_kwargs={"unique": True, "nullable": False})
    public_key: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    sign_count: int = Field(default=0)
    name: str = Field(max_length=64)
    transports: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
