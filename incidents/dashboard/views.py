from flask import Blueprint, render_template, request
from flask_babel import get_locale

from ..core.instants import utcnow
from ..filters import InvalidFilters
from ..listing import ListQuery, error_messages, parse_page
from ..regimes.overview import open_stages
from . import charts, figures
from .labels import INCIDENT_KIND_LABELS
from .queries import open_incidents, summary

bp = Blueprint("dashboard", __name__)


def metrics_context(now, urgency) -> dict:
    """Everything the metrics section shows: the 12-month figures as kept (figures.py), the open ones now."""
    kept = figures.twelve_months(now)
    kinds = kept.kinds
    shown = sorted(
        (code for code, n in kinds.counts.items() if n), key=lambda code: -kinds.counts[code]
    )  # stable: equal counts keep the form's order
    return {
        "months": kept.months,
        "month_bars": charts.month_bars(kept.months),
        "chart": {
            "width": charts.WIDTH,
            "height": charts.HEIGHT,
            "bar": charts.BAR,
            "baseline": charts.TOP + charts.PLOT,
            "kind_bar": charts.KIND_BAR_WIDTH,
        },
        "median": kept.median,
        "since": kept.since,
        "computed_at": kept.computed_at,
        "urgency": urgency,
        "kinds": kinds,
        "kinds_shown": shown,
        "kind_widths": charts.kind_bar_widths(kinds.counts),
        "kind_labels": INCIDENT_KIND_LABELS,
    }


@bp.get("/")
def index():
    now = utcnow()
    errors: list[str] = []
    try:
        number = parse_page(request.args)
    except InvalidFilters as exc:
        errors, number = error_messages(exc), 1
    figures_now = summary(now)
    page = open_incidents(now, number, figures_now["open_incidents"])
    listing = ListQuery("", "next_due", False, page.number, default_sort="next_due")
    stages, stages_total = open_stages(now)
    return render_template(
        "dashboard/index.html",
        rows=page.rows,
        page=page,
        listing=listing,
        errors=errors,
        summary=figures_now,
        metrics=metrics_context(now, figures_now["urgency"]),
        stages=stages,
        stages_total=stages_total,
        language="en" if str(get_locale() or "nl") == "en" else "nl",
    ), (400 if errors else 200)
