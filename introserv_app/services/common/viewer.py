"""Who is acting."""

from __future__ import annotations

from dataclasses import dataclass

from introserv_app.domain.roles import Role


@dataclass(frozen=True)
class Viewer:
    """Who is acting: resolved from the session cookie on the server for every event and route."""

    user_id: int
    username: str
    role: Role
    session_id: int
    language: str

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff
