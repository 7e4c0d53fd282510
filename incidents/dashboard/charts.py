"""Geometry for the server-rendered SVG bar charts: numbers in, rectangles out (pure, no Flask)."""

from __future__ import annotations

from dataclasses import dataclass

from .metrics import MonthOnTime

# The on-time chart, in SVG user units (the viewBox; CSS scales it to the page width).
WIDTH, HEIGHT = 600, 200
TOP, BOTTOM, LEFT = 22, 26, 4  # room for the share above the bars and the month below them
BAR = 30
PLOT = HEIGHT - TOP - BOTTOM
KIND_BAR_WIDTH = 160


@dataclass(frozen=True)
class MonthBar:
    figures: MonthOnTime
    x: float
    met_y: float
    met_height: float
    missed_y: float
    missed_height: float
    label_x: float  # the horizontal centre of the bar, for the texts above and below it


def month_bars(months: list[MonthOnTime]) -> list[MonthBar]:
    """One stacked bar per month: on time at the bottom, missed on top; the fullest month fills the plot."""
    slot = (WIDTH - LEFT) / max(len(months), 1)
    top = max((m.decided for m in months), default=0) or 1
    scale = PLOT / top
    baseline = TOP + PLOT
    bars = []
    for i, month in enumerate(months):
        x = LEFT + i * slot + (slot - BAR) / 2
        met_height = round(month.met * scale, 2)
        missed_height = round(month.missed * scale, 2)
        met_y = round(baseline - met_height, 2)
        bars.append(
            MonthBar(
                month,
                round(x, 2),
                met_y,
                met_height,
                round(met_y - missed_height, 2),
                missed_height,
                round(x + BAR / 2, 2),
            )
        )
    return bars


def kind_bar_widths(counts: dict[str, int]) -> dict[str, float]:
    """Width of each kind's bar; the largest count gets the full width."""
    top = max(counts.values(), default=0) or 1
    return {code: round(KIND_BAR_WIDTH * n / top, 2) for code, n in counts.items()}
