"""Support's actions on the order page come from the status machine (domain/lifecycle.py)."""

from __future__ import annotations

from introserv_app.domain.lifecycle import TRANSITIONS, Cause, SupportAction, support_actions, transition
from introserv_app.domain.statuses import OrderStatus as S

A = SupportAction


def test_each_status_offers_the_actions_support_had_before() -> None:
    assert support_actions(S.NOT_PROCESSED) == (A.CANCEL,)
    assert support_actions(S.PROCESSING) == (A.DELIVER, A.CANCEL)
    assert support_actions(S.PROCESSED) == (A.SUSPEND, A.CANCEL)
    assert support_actions(S.SUSPENDED_VIOLATION) == (A.LIFT, A.CANCEL)
    assert support_actions(S.SUSPENDED_NONPAYMENT) == (A.CANCEL,)
    assert support_actions(S.CANCELLED) == ()


def test_every_action_offered_is_a_change_the_machine_lets_support_make() -> None:
    target = {A.DELIVER: S.PROCESSED, A.LIFT: S.PROCESSED, A.SUSPEND: S.SUSPENDED_VIOLATION, A.CANCEL: S.CANCELLED}
    for status in S:
        for action in support_actions(status):
            transition(status, target[action], Cause.SUPPORT)  # raises when refused
    offered = sum(len(support_actions(status)) for status in S)
    assert offered == sum(1 for rule in TRANSITIONS.values() if Cause.SUPPORT in rule.causes)
