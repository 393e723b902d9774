"""The order status machine and the calendar of the lifecycle job (pure rules, no I/O).

Every status change goes through `transition`: it says whether `cause` may move an order from one
status to another and what the change triggers (a notification, an email, a support ticket, the end
of the suspension banners). The lifecycle job's dates (reminders, grace, cancellation) are here too.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.text import N_

S = OrderStatus


class Cause(enum.StrEnum):
    """Who or what changes a status."""

    SYSTEM = "system"  # the lifecycle job
    PAYMENT = "payment"  # a paid invoice (from the balance, a pay link, auto-renewal)
    CUSTOMER = "customer"  # the customer's own action (cancelling)
    SUPPORT = "support"  # a staff member


class Effect(enum.StrEnum):
    """What a status change sets off, besides the timeline entry."""

    NOTIFY = "notify"  # a notification (banner) with its email
    ACCEPTANCE_TICKET = "acceptance_ticket"  # a support ticket confirming the order was accepted
    RESOLVE_SUSPENSION = "resolve_suspension"  # the suspension banners of the order are resolved


@dataclass(frozen=True)
class Transition:
    causes: frozenset[Cause]
    effects: tuple[Effect, ...] = ()
    #: The notification kind sent with Effect.NOTIFY (see services.mail_templates).
    kind: str = ""


def _t(causes: set[Cause], *effects: Effect, kind: str = "") -> Transition:
    return Transition(frozenset(causes), tuple(effects), kind)


C = Cause
E = Effect

#: (old, new) -> who may cause it and what it triggers. A pair missing here is never allowed.
TRANSITIONS: dict[tuple[OrderStatus, OrderStatus], Transition] = {
    (S.NOT_PROCESSED, S.PROCESSING): _t({C.PAYMENT}, E.NOTIFY, E.ACCEPTANCE_TICKET, kind="order_accepted"),
    (S.NOT_PROCESSED, S.CANCELLED): _t({C.CUSTOMER, C.SUPPORT}),
    (S.PROCESSING, S.PROCESSED): _t({C.SUPPORT}, E.NOTIFY, kind="order_delivered"),
    (S.PROCESSING, S.CANCELLED): _t({C.CUSTOMER, C.SUPPORT, C.SYSTEM}, E.NOTIFY, kind="order_cancelled"),
    (S.PROCESSING, S.SUSPENDED_NONPAYMENT): _t({C.SYSTEM}, E.NOTIFY, kind="order_suspended"),
    (S.PROCESSED, S.SUSPENDED_NONPAYMENT): _t({C.SYSTEM}, E.NOTIFY, kind="order_suspended"),
    (S.PROCESSED, S.SUSPENDED_VIOLATION): _t({C.SUPPORT}, E.NOTIFY, kind="order_suspended_violation"),
    (S.PROCESSED, S.CANCELLED): _t({C.CUSTOMER, C.SUPPORT, C.SYSTEM}, E.NOTIFY, kind="order_cancelled"),
    (S.SUSPENDED_NONPAYMENT, S.PROCESSED): _t({C.PAYMENT}, E.NOTIFY, E.RESOLVE_SUSPENSION, kind="order_restored"),
    (S.SUSPENDED_NONPAYMENT, S.CANCELLED): _t(
        {C.SYSTEM, C.CUSTOMER, C.SUPPORT}, E.NOTIFY, E.RESOLVE_SUSPENSION, kind="order_cancelled"
    ),
    (S.SUSPENDED_VIOLATION, S.PROCESSED): _t({C.SUPPORT}, E.NOTIFY, E.RESOLVE_SUSPENSION, kind="order_restored"),
    (S.SUSPENDED_VIOLATION, S.CANCELLED): _t(
        {C.SUPPORT, C.CUSTOMER}, E.NOTIFY, E.RESOLVE_SUSPENSION, kind="order_cancelled"
    ),
}

MSG_TRANSITION = N_("An order cannot go from “{old}” to “{new}”.")
MSG_NOT_ALLOWED = N_("This status change is not yours to make.")


class TransitionRefused(ValueError):
    def __init__(self, msgid: str, old: OrderStatus, new: OrderStatus) -> None:
        super().__init__(msgid)
        self.msgid, self.old, self.new = msgid, old, new


def transition(old: OrderStatus, new: OrderStatus, cause: Cause) -> Transition:
    """The rule for moving an order from `old` to `new` on `cause`; raises TransitionRefused otherwise."""
    rule = TRANSITIONS.get((old, new))
    if rule is None:
        raise TransitionRefused(MSG_TRANSITION, old, new)
    if cause not in rule.causes:
        raise TransitionRefused(MSG_NOT_ALLOWED, old, new)
    return rule


def sources(new: OrderStatus, cause: Cause) -> tuple[OrderStatus, ...]:
    """The statuses `cause` may move to `new` from (for the job's set-based updates)."""
    return tuple(old for (old, to), rule in TRANSITIONS.items() if to == new and cause in rule.causes)


class SupportAction(enum.StrEnum):
    """Support's actions on one order (the order page's buttons), each one status change of TRANSITIONS."""

    DELIVER = "deliver"  # processing -> processed, with the main IP
    SUSPEND = "suspend"  # -> suspended for a violation
    LIFT = "lift"  # a suspension -> processed
    CANCEL = "cancel"  # -> cancelled


def support_actions(status: OrderStatus) -> tuple[SupportAction, ...]:
    """What support may do to an order in `status`: one action for each change TRANSITIONS lets support make."""
    found: list[SupportAction] = []
    for (old, new), rule in TRANSITIONS.items():
        if old != status or Cause.SUPPORT not in rule.causes:
            continue
        if new == S.CANCELLED:
            found.append(SupportAction.CANCEL)
        elif new == S.SUSPENDED_VIOLATION:
            found.append(SupportAction.SUSPEND)
        elif new == S.PROCESSED:
            suspended = old in (S.SUSPENDED_VIOLATION, S.SUSPENDED_NONPAYMENT)
            found.append(SupportAction.LIFT if suspended else SupportAction.DELIVER)
    return tuple(found)


# ---- the job's calendar -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LifecycleCalendar:
    """Days that drive the job; each comes from configuration (README, "Configuration")."""

    reminder_days: tuple[int, ...] = (14, 7, 3, 1)
    #: Days after paid-until before an order is suspended for non-payment.
    grace_days: int = 3
    #: Days suspended for non-payment before the order is cancelled.
    cancel_after_days: int = 14
    #: Auto-renewal runs this many days before paid-until (and on any later day until it has run).
    auto_renew_days: int = 3

    def __post_init__(self) -> None:
        days = tuple(sorted({int(d) for d in self.reminder_days if int(d) > 0}, reverse=True))
        object.__setattr__(self, "reminder_days", days)
        if min(self.grace_days, self.cancel_after_days, self.auto_renew_days) < 0:
            raise ValueError("lifecycle days must not be negative")

    @property
    def horizon(self) -> int:
        """The most days before paid-until that anything happens."""
        return max((*self.reminder_days, self.auto_renew_days, 0))

    def reminder_threshold(self, days_left: int) -> int | None:
        """The reminder due for an order `days_left` days from paid-until: the smallest threshold not
        below it (an order first seen 5 days out gets the 7-day reminder, not the 14-day one too)."""
        due = [d for d in self.reminder_days if days_left <= d]
        return min(due) if due and days_left >= 1 else None

    def suspend_before(self, today: date) -> date:
        """Orders paid until a day before this are past their grace period."""
        return today - timedelta(days=self.grace_days)

    def cancel_before(self, today: date) -> date:
        """Orders suspended for non-payment and paid until a day before this are cancelled."""
        return today - timedelta(days=self.grace_days + self.cancel_after_days)


def parse_days(raw: str) -> tuple[int, ...]:
    """'14,7,3,1' -> (14, 7, 3, 1); raises ValueError on anything else."""
    message = "reminder days must be whole numbers from 1 to 365, separated by commas"
    try:
        days = tuple(int(p.strip()) for p in raw.split(",") if p.strip())
    except ValueError:
        raise ValueError(message) from None
    if not days or any(d < 1 or d > 365 for d in days):
        raise ValueError(message)
    return days
