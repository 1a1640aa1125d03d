"""Server-side SVG charts of the monthly trend (pure: no Flask, no script, no CDN).

Black-and-white friendly: the series differ by line style and marker as well as colour, every point
carries its value, and the target is a labelled dashed line, so a chart reads the same printed in grey.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 28, 40
STYLES = (("#1f4e79", "", "circle"), ("#b35c00", "6 4", "square"), ("#2e7d32", "2 3", "diamond"))


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # None: no value that month (an empty denominator), drawn as a gap


def _x(i: int, n: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner * (i + 0.5) / n if n else 0)


def _y(value: float, top: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (1 - (value / top if top else 0))


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if kind == "diamond":
        return (f'<path d="M{x:.1f} {y - 4.5:.1f} L{x + 4.5:.1f} {y:.1f} L{x:.1f} {y + 4.5:.1f} '
                f'L{x - 4.5:.1f} {y:.1f} Z" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


def _frame(title: str, labels: Sequence[str], top: float, fmt) -> list[str]:
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(title)}" class="chart" font-family="sans-serif" font-size="11">',
             f'<title>{escape(title)}</title>',
             f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for step in range(5):
        value = top * step / 4
        y = _y(value, top)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ccc"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(value))}</text>')
    every = max(1, len(labels) // 12)
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(f'<text x="{_x(i, len(labels)):.1f}" y="{HEIGHT - BOTTOM + 16}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    return parts


def _legend(series: Sequence[Series], extra: str | None = None) -> list[str]:
    parts, x = [], LEFT
    for (colour, dash, marker), s in zip(STYLES, series, strict=False):
        y = HEIGHT - 10
        parts.append(f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{colour}" stroke-width="2" '
                     f'stroke-dasharray="{dash}"/>')
        parts.append(_marker(marker, x + 12, y, colour))
        parts.append(f'<text x="{x + 30}" y="{y + 4}">{escape(s.label)}</text>')
        x += 40 + 7 * len(s.label) + 24
    if extra:
        parts.append(f'<text x="{x}" y="{HEIGHT - 6}">{escape(extra)}</text>')
    return parts


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, percent: bool = True,
               target: float | None = None, target_label: str = "") -> str:
    """One line per series over the months; rates in [0, 1] shown as percentages; an optional target line."""
    values = [v for s in series for v in s.values if v is not None]
    top = 1.0 if percent else max([1.0, *values]) * 1.15

    def fmt(v: float) -> str:
        return f"{v:.0%}" if percent else f"{v:,.0f}"

    parts = _frame(title, labels, top, fmt)
    if target is not None:
        y = _y(target, top)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#c00" '
                     f'stroke-width="1.5" stroke-dasharray="8 4"/>')
        parts.append(f'<text x="{WIDTH - RIGHT}" y="{y - 4:.1f}" text-anchor="end" fill="#c00">'
                     f'{escape(target_label)} {fmt(target)}</text>')
    for (colour, dash, marker), s in zip(STYLES, series, strict=False):
        points = [(i, v) for i, v in enumerate(s.values) if v is not None]
        runs: list[list[tuple[int, float]]] = []
        for i, v in points:
            if runs and runs[-1][-1][0] == i - 1:
                runs[-1].append((i, v))
            else:
                runs.append([(i, v)])
        for run in runs:
            coords = " ".join(f"{_x(i, len(labels)):.1f},{_y(v, top):.1f}" for i, v in run)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2" '
                         f'stroke-dasharray="{dash}"/>')
        for i, v in points:
            x, y = _x(i, len(labels)), _y(v, top)
            parts.append(_marker(marker, x, y, colour))
            parts.append(f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle" font-size="9">{fmt(v)}</text>')
    parts += _legend(series)
    parts.append("</svg>")
    return "".join(parts)
