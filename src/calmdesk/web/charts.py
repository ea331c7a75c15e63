"""Server-side charts for the dashboard: SVG drawn by matplotlib, no script or network needed.

Only the Agg-free object API (``Figure``) is used, so rendering is safe in worker threads.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# Colour-blind-safe palette (Okabe-Ito), readable on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    # Text stays text (selectable, smaller); a fixed salt makes the output reproducible.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "calmdesk"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(height: float = 3.2) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(6.0, height), dpi=96)
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def stacked_bars(
    categories: Sequence[str], series: Mapping[str, Sequence[float]], *, empty: str
) -> str:
    """Bars per category, one stacked segment per series (e.g. weeks by incident type)."""
    figure, axes = _figure()
    if not categories or not series:
        axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return _svg(figure)
    bottom = [0.0] * len(categories)
    positions = range(len(categories))
    for index, (name, values) in enumerate(series.items()):
        axes.bar(positions, values, bottom=bottom, label=name,
                 color=PALETTE[index % len(PALETTE)], width=0.7)  # fmt: skip
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_xticks(list(positions), list(categories), rotation=45, ha="right", fontsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if len(series) > 1 or next(iter(series)):
        axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg(figure)


def horizontal_bars(
    labels: Sequence[str], values: Sequence[float], *, empty: str, ranked: bool = True
) -> str:
    """One bar per label: longest at the top when ``ranked``, else in the given order."""
    figure, axes = _figure(height=max(1.6, 0.45 * len(labels) + 0.8))
    if not labels:
        axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return _svg(figure)
    # barh draws the first bar at the bottom, so the top-to-bottom order is reversed here.
    order = sorted(range(len(labels)), key=lambda i: values[i]) if ranked else None
    if order is None:
        order = list(reversed(range(len(labels))))
    axes.barh([labels[i] for i in order], [values[i] for i in order], color=PALETTE[0])
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.grid(axis="y", visible=False)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    return _svg(figure)
