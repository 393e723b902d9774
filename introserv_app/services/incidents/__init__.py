"""Incidents: staff (support or admin) tell every affected customer about an outage. An incident has a title and a
text in English and Russian, a severity and a scope (everyone, customers of tariffs, orders in IP ranges, a list of
orders); the affected customers are written once when it opens (`incident_customers`), see a banner in the Orders tab
and on the dashboard, get a mail per event (opened, update, resolved) and find it on /incidents. Imports only
services.common (mails go straight to the outbox table, set-based). A new incident view or action goes here."""

from __future__ import annotations

# Readers: view data for screens.
from ._readers.incidents import (
    BANNER_QUERY,
    IncidentsPage,
    IncidentView,
    Preview,
    UpdateView,
    customer_incidents,
    incident_banners,
    incident_detail,
    preview_incident,
    staff_incidents,
    tariff_choices,
)

# Writers: commands that change data.
from ._writers.incidents import open_incident, post_update, resolve_incident
from ._writers.mail import MAIL_BATCH

__all__ = [
    "BANNER_QUERY",
    "MAIL_BATCH",
    "IncidentView",
    "IncidentsPage",
    "Preview",
    "UpdateView",
    "customer_incidents",
    "incident_banners",
    "incident_detail",
    "open_incident",
    "post_update",
    "preview_incident",
    "resolve_incident",
    "staff_incidents",
    "tariff_choices",
]
