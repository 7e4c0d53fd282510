from flask import Blueprint, render_template

from ..core.instants import utcnow
from . import charts, metrics
from .labels import INCIDENT_KIND_LABELS
from .queries import dashboard

bp = Blueprint("dashboard", __name__)


def metrics_context(now) -> dict:
    """Everything the metrics section shows; a fixed handful of queries."""
    months = metrics.notices_on_time(now)
    since = metrics.month_starts(now)[0]
    kinds = metrics.incidents_by_kind(now)
    shown = sorted(
        (code for code, n in kinds.counts.items() if n), key=lambda code: -kinds.counts[code]
    )  # stable: equal counts keep the form's order
    return {
        "months": months,
        "month_bars": charts.month_bars(months),
        "chart": {
            "width": charts.WIDTH,
            "height": charts.HEIGHT,
            "bar": charts.BAR,
            "baseline": charts.TOP + charts.PLOT,
            "kind_bar": charts.KIND_BAR_WIDTH,
        },
        "median": metrics.median_notice_time(now, since=since),
        "since": since,
        "urgency": metrics.open_by_urgency(now),
        "kinds": kinds,
        "kinds_shown": shown,
        "kind_widths": charts.kind_bar_widths(kinds.counts),
        "kind_labels": INCIDENT_KIND_LABELS,
    }


@bp.get("/")
def index():
    now = utcnow()
    rows, summary = dashboard(now)
    return render_template("dashboard/index.html", rows=rows, summary=summary, metrics=metrics_context(now))
