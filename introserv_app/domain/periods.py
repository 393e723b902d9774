"""Renewal periods (months) and date arithmetic on paid-until dates."""

from __future__ import annotations

import calendar
from datetime import date

#: The renewal periods a tariff can be priced for, in months.
PERIODS: tuple[int, ...] = (1, 3, 6, 12)


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, clamped to the month's last day (Jan 31 + 1 = Feb 28/29)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def days_left(paid_until: date, today: date) -> int:
    """Whole days from `today` to `paid_until`; negative when overdue."""
    return (paid_until - today).days
