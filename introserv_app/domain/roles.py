"""User roles."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    SUPPORT = "support"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self in (Role.SUPPORT, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self is Role.ADMIN
