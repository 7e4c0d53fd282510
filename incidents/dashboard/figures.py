"""The dashboard's 12-month figures (notices on time per month, the median time to a notice, incidents by kind,
each over the last 12 Amsterdam months), worked out once and kept for a short while.

They run over a year of incidents, filings and deadlines, and the dashboard is the page everyone opens: each
process keeps the last result for DASHBOARD_METRICS_SECONDS (the page says how old it is), and works them out
anew once that has passed, when a new Amsterdam month begins, or with the setting at 0 on every view. The figures
about open incidents are never kept: they are cheap (open incidents only) and must be current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from . import metrics

DEFAULT_SECONDS = 60


@dataclass(frozen=True)
class Figures:
    computed_at: datetime
    since: datetime  # the first Amsterdam month the figures cover
    months: list[metrics.MonthOnTime]
    median: metrics.MedianNotice
    kinds: metrics.KindCounts


def _compute(now: datetime, since: datetime) -> Figures:
    return Figures(
        now,
        since,
        metrics.notices_on_time(now),
        metrics.median_notice_time(now, since=since),
        metrics.incidents_by_kind(now, since=since),
    )


def twelve_months(now: datetime) -> Figures:
    """The figures as of ``now``, or as of at most the configured number of seconds before it."""
    seconds = current_app.config.get("DASHBOARD_METRICS_SECONDS", DEFAULT_SECONDS)
    since = metrics.month_starts(now)[0]
    kept: dict[datetime, Figures] = current_app.extensions.setdefault("dashboard_figures", {})
    figures = kept.get(since)
    if figures is not None and 0 <= (now - figures.computed_at).total_seconds() < seconds:
        return figures
    figures = _compute(now, since)
    kept.clear()
    kept[since] = figures
    return figures
