"""The public statistics: aggregate activity only (counts, no names, no prices)."""

from __future__ import annotations

from ..pages.counts import market_counts
from . import kpis, kpis_contracts_payments
from .kpis import Period
from .report import field_label
from .targets import CLUSTER_FIRMS_KEY, current_targets


def public_stats(p: Period) -> dict:
    """Counts for the period plus what is on offer today; nothing that names anyone or
    reveals a price (a single contract's value would, so money stays on the dashboard)."""
    served = kpis.firms_served(p)
    cluster = current_targets()[CLUSTER_FIRMS_KEY]
    counts = market_counts()  # cached a minute: a scan of every public listing
    on_offer = {key: counts[key] for key in ("achievements", "needs")}
    fields = [
        dict(f, label=field_label(f["field"]))
        for f in kpis.fields_of_activity(p)
        if f["achievements"] or f["needs"]
    ]
    return {
        "period": p,
        "firms_served": served,
        "coverage": kpis.coverage_percent(served, cluster),
        "cluster_firms": cluster,
        "published": kpis.listings_published(p),
        "on_offer": on_offer,
        "interests": kpis.interests_expressed(p)["total"],
        "contracts": kpis_contracts_payments.contracts_signed(p)["count"],
        "monthly": kpis.monthly_trends(p),
        "fields": fields,
    }
