"""Pictures people would rather look at than read (their title is the caption the document puts under them,
never drawn in the picture as well): ranking bars, a radar of component indices, trends, the
spread of a criterion across units. Each is drawn only in the format a renderer asks for — PNG for DOCX, SVG for HTML — and
both are byte-identical for the same data."""

from __future__ import annotations

import io
import math
from typing import Callable, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from reports.model import Figure  # noqa: E402
from base.vn import number  # noqa: E402

plt.rcParams.update({"svg.hashsalt": "cchc", "font.family": "DejaVu Sans", "font.size": 9,
                     "axes.spines.top": False, "axes.spines.right": False})
BLUE, RED, GREY, GREEN = "#1f4e79", "#c00000", "#9e9e9e", "#2e7d32"


def _figure(draw: Callable[[], "plt.Figure"], title: str) -> Figure:
    """A figure drawn on demand: a site of a thousand scorecards needs their SVG only, a DOCX the PNG."""

    def render(fmt: str) -> bytes | str:
        fig = draw()
        out = io.BytesIO() if fmt == "png" else io.StringIO()
        if fmt == "png":
            fig.savefig(out, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
        else:
            fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
        plt.close(fig)
        return out.getvalue()

    return Figure(title, render)


def ranking(names: Sequence[str], values: Sequence[float], title: str, highlight: str | None = None,
            threshold: float | None = None, unit: str = "%") -> Figure:
    """Horizontal bars, best at the top; the highlighted unit in red, an optional threshold line."""
    def draw():
        order = np.argsort(np.asarray(values, dtype=float))
        bars = [names[i] for i in order]
        lengths = [values[i] for i in order]
        fig, ax = plt.subplots(figsize=(7, max(2.5, 0.22 * len(bars) + 1)))
        colors = [RED if n == highlight else BLUE for n in bars]
        ax.barh(range(len(bars)), lengths, color=colors)
        ax.set_yticks(range(len(bars)), bars, fontsize=7 if len(bars) > 30 else 8)
        for i, v in enumerate(lengths):
            ax.text(v, i, f" {number(v, 1)}", va="center", fontsize=7)
        if threshold is not None:
            ax.axvline(threshold, color=GREY, linestyle="--", linewidth=1)
        ax.set_xlabel(unit)
        return fig

    return _figure(draw, title)


def _radar_svg(axes: Sequence[str], series: dict[str, Sequence[float]]) -> str:
    """The radar as SVG written directly: a site of a thousand scorecards draws it a thousand times, and a
    plotting library's figure costs a tenth of a second each. Same data, same bytes."""
    from html import escape

    width, height, r, cx, cy = 560, 440, 130, 280, 200
    n = len(axes)
    angle = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]  # clockwise from the top, like the PNG

    def point(i: int, value: float) -> tuple[float, float]:
        v = max(0.0, min(100.0, 0.0 if math.isnan(value) else value)) / 100 * r
        return cx + v * math.cos(angle[i]), cy - v * math.sin(angle[i])

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
           f'font-family="DejaVu Sans, Arial, sans-serif" font-size="11">']
    for ring in (20, 40, 60, 80, 100):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        out.append(f'<polygon points="{pts}" fill="none" stroke="#d0d0d0" stroke-width="1"/>')
        if ring < 100:  # the outer ring's figure would sit on the first axis' label
            out.append(f'<text x="{cx + 3}" y="{cy - ring / 100 * r - 2:.1f}" fill="{GREY}" font-size="9">{ring}</text>')
    for i, label in enumerate(axes):
        x, y = point(i, 100)
        out.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#d0d0d0" stroke-width="1"/>')
        lx, ly = point(i, 118)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        short = label if len(label) < 28 else label[:26] + "…"
        ly += 10 if ly > cy + 10 else (-2 if ly < cy - 10 else 4)  # clear of the outer ring above and below
        out.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{escape(short)}</text>')
    for k, ((name, values), color) in enumerate(zip(series.items(), (RED, BLUE, GREEN, GREY))):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, float(v)) for i, v in enumerate(values)))
        out.append(f'<polygon points="{pts}" fill="{color}" fill-opacity="0.08" stroke="{color}" stroke-width="1.5"/>')
        ly = height - 14 * (len(series) - k)
        out.append(f'<line x1="{cx + 60}" y1="{ly - 4}" x2="{cx + 78}" y2="{ly - 4}" stroke="{color}" stroke-width="2"/>'
                   f'<text x="{cx + 84}" y="{ly}">{escape(name)}</text>')
    return "".join(out) + "</svg>"


def radar(axes: Sequence[str], series: dict[str, Sequence[float]], title: str) -> Figure:
    """Component indices (%) of a unit against the province average and the target: PNG drawn by matplotlib
    for DOCX, SVG written directly for pages."""
    def draw():
        angles = np.linspace(0, 2 * np.pi, len(axes), endpoint=False).tolist()
        fig, ax = plt.subplots(figsize=(5.5, 5.5), subplot_kw={"polar": True})
        for (name, values), color in zip(series.items(), (RED, BLUE, GREEN, GREY)):
            closed = list(np.nan_to_num(np.asarray(values, dtype=float))) + [float(np.nan_to_num(values[0]))]
            ax.plot(angles + angles[:1], closed, color=color, linewidth=1.5, label=name)
            ax.fill(angles + angles[:1], closed, color=color, alpha=0.08)
        ax.set_xticks(angles, [a if len(a) < 28 else a[:26] + "…" for a in axes], fontsize=7)
        ax.set_ylim(0, 100)
        ax.legend(loc="lower right", bbox_to_anchor=(1.25, -0.12), fontsize=7)
        return fig

    figure = _figure(draw, title)
    png = figure.render
    return Figure(title, lambda fmt: _radar_svg(axes, series) if fmt == "svg" else png(fmt))


def trend(labels: Sequence[str], series: dict[str, Sequence[float]], title: str, unit: str = "%") -> Figure:
    def draw():
        fig, ax = plt.subplots(figsize=(6.5, 3.2))
        for (name, values), color in zip(series.items(), (RED, BLUE, GREEN, GREY)):
            ax.plot(labels, values, marker="o", color=color, label=name)
            for x, v in zip(labels, values):
                if v is not None and not np.isnan(v):
                    ax.annotate(number(v, 1), (x, v), textcoords="offset points", xytext=(0, 5), fontsize=7,
                                ha="center")
        ax.set_ylabel(unit)
        ax.legend(fontsize=7)
        return fig

    return _figure(draw, title)


def distribution(values: Sequence[float], title: str, label: str, marker: float | None = None) -> Figure:
    """How a criterion's value spreads across units; ``marker`` shows one unit's value."""
    def draw():
        data = np.asarray(values, dtype=float)
        data = data[~np.isnan(data)]
        fig, ax = plt.subplots(figsize=(6.5, 3))
        ax.hist(data, bins=min(20, max(5, len(data) // 4)), color=BLUE)
        if marker is not None and not np.isnan(marker):
            ax.axvline(marker, color=RED, linewidth=2)
        ax.set_xlabel(label)
        ax.set_ylabel("số đơn vị")
        return fig

    return _figure(draw, title)
