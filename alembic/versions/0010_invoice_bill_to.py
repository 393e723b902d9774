"""the bill-to kept on each invoice (name and address as they were when it was issued)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28

Until now an invoice showed the profile's current name and address, so a later change of the profile (or
closing the account, which empties it) rewrote issued invoices. Existing invoices get the profile as it is
now, which is the best record there is.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def _bill_to(profile_type, company, first, last, address, postal, city, region) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    # The rule of services/billing/_bill_to.py, frozen here as it was at this revision.
    person = " ".join(p for p in (first or "", last or "") if p)
    name = company if profile_type == "company" and company else person
    town = " ".join(p for p in (postal or "", city or "") if p)
    return name, "\n".join(p for p in (address or "", town, region or "") if p)


def upgrade() -> None:
    op.add_column("invoices", sa.Column("customer_name", sa.String(length=255), nullable=True))
    op.add_column("invoices", sa.Column("customer_address", sa.Text(), nullable=True))
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.text(
                "SELECT i.id, p.profile_type, p.company_name, p.first_name, p.last_name, p.address, p.postal_code, "
                "p.city, p.region FROM invoices i JOIN profiles p ON p.user_id = i.user_id "
                "WHERE i.id > :last ORDER BY i.id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            break
        updates = []
        for row in rows:
            name, address = _bill_to(*row[1:])
            updates.append({"id": row[0], "name": name, "address": address})
        conn.execute(
            sa.text("UPDATE invoices SET customer_name = :name, customer_address = :address WHERE id = :id"), updates
        )
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_column("invoices", "customer_address")
    op.drop_column("invoices", "customer_name")
