"""A monthly bar chart (Reflex's recharts components): revenue for staff, spending for a customer."""

from __future__ import annotations

import reflex as rx


def monthly_bars(data: rx.Var, el_id: str, color: str = "accent") -> rx.Component:
    """`data`: [{"month": label, "value": bar height, "text": the exact formatted amount}, ...]."""
    return rx.box(
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
            rx.recharts.bar(
                data_key="value", fill=rx.color(color, 9), radius=[4, 4, 0, 0], name="text", is_animation_active=False
            ),
            rx.recharts.x_axis(data_key="month", font_size=12),
            rx.recharts.y_axis(width=60, font_size=12),
            rx.recharts.graphing_tooltip(),
            data=data,
            width="100%",
            height=240,
        ),
        width="100%",
        id=el_id,
    )
