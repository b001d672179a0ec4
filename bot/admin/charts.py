"""Charts drawn on the server as inline SVG: lines (or stacked areas) over days, with axes, a legend the
page lists beside it and a title for screen readers. Nothing is loaded from anywhere: the page carries it.

Each series has its colour and its own dash pattern, so the lines stay apart without colour too; the
colours keep a contrast of at least 4.5:1 on white."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 50, 14, 12, 30
PALETTE = (
    ("#1f5fbf", ""),
    ("#b3261e", "6 3"),
    ("#1e7d32", "2 3"),
    ("#8a5a00", "8 3 2 3"),
    ("#6a3fb5", "10 4"),
)
"""(colour, stroke dash) per series, in order."""


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    """One per label; None where there is nothing to show (no answers that week)."""


@dataclass(frozen=True)
class Chart:
    key: str
    """Unique on the page (the SVG's title id)."""
    title: str
    labels: Sequence[str]
    series: Sequence[Series]
    stacked: bool = False
    floor: float | None = None
    """The lowest value of the axis; by default 0, or lower when a value is."""
    ceiling: float | None = None


def colour(n: int) -> str:
    return PALETTE[n % len(PALETTE)][0]


def nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _stack(series: Sequence[Series]) -> list[list[float]]:
    """Each layer's top: the sum of it and the layers below (None counts as 0)."""
    tops: list[list[float]] = []
    below = [0.0] * (len(series[0].values) if series else 0)
    for one in series:
        below = [b + (v or 0) for b, v in zip(below, one.values, strict=True)]
        tops.append(below)
    return tops


def svg(chart: Chart, number: Callable[[float], str]) -> Markup:
    count = len(chart.labels)
    tops = _stack(chart.series) if chart.stacked else None
    present = [v for layer in tops for v in layer] if tops else [
        v for one in chart.series for v in one.values if v is not None
    ]  # fmt: skip
    low = chart.floor if chart.floor is not None else min([0.0, *present])
    high = chart.ceiling if chart.ceiling is not None else max([*present, low + 1])
    step = nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step or step
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (inner_w * i / (count - 1) if count > 1 else inner_w / 2)

    def y(value: float) -> float:
        return TOP + inner_h * (1 - (value - low) / (high - low))

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart.key}-title"'
        ' xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart.key}-title">{escape(chart.title)}</title>',
    ]
    tick = low
    while tick <= high + step / 2:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#d0d4dc"'
            ' stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="13" fill="#3b4150">'
            f"{escape(number(round(tick, 2)))}</text>"
        )
        tick += step
    for i in sorted({0, count // 2, count - 1} if count else set()):
        anchor = "start" if i == 0 and count > 1 else "end" if i == count - 1 and count > 1 else "middle"
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}" font-size="13" fill="#3b4150">'
            f"{escape(chart.labels[i])}</text>"
        )
    if tops is not None:
        base = [low] * count
        for n, layer in enumerate(tops):
            points = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(layer)]
            points += [f"{x(i):.1f},{y(b):.1f}" for i, b in reversed(list(enumerate(base)))]
            parts.append(
                f'<polygon points="{" ".join(points)}" fill="{colour(n)}" fill-opacity="0.8" stroke="#ffffff"'
                ' stroke-width="0.5"/>'
            )
            base = layer
    else:
        for n, one in enumerate(chart.series):
            parts += _line(one.values, x, y, n)
    parts.append("</svg>")
    return Markup("".join(parts))


def _line(
    values: Sequence[float | None], x: Callable[[int], float], y: Callable[[float], float], n: int
) -> list[str]:
    """A polyline per run of values without a gap; a dot where a value stands alone."""
    found: list[str] = []
    run: list[tuple[float, float]] = []
    dash = PALETTE[n % len(PALETTE)][1]
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    for i, value in enumerate([*values, None]):
        if value is not None:
            run.append((x(i), y(value)))
            continue
        if len(run) == 1:
            found.append(f'<circle cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}" r="3" fill="{colour(n)}"/>')
        elif run:
            points = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
            found.append(
                f'<polyline points="{points}" fill="none" stroke="{colour(n)}" stroke-width="2"{dashed}/>'
            )
        run = []
    return found
