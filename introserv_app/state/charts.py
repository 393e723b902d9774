"""Monthly money series as the chart component's points, formatted for the viewer."""

from __future__ import annotations

from datetime import date
from typing import Any

from introserv_app.domain.money import Money
from introserv_app.i18n import format_date, format_money


def monthly_points(series: list[tuple[date, Money]], lang: str) -> tuple[list[dict[str, Any]], str]:
    """(points, the formatted total): each point has the month label, the bar height and the exact amount.
    The height is a float for drawing only; every amount a person reads is formatted from minor units."""
    points = [
        {"month": format_date(start, lang, "LLL yy"), "value": float(m.amount), "text": format_money(m, lang)}
        for start, m in series
    ]
    total = series[0][1]
    for _, m in series[1:]:
        total = total + m
    return points, format_money(total, lang)
