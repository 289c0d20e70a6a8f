"""Charts for screens, as inline SVG written here (no plotting library in a page's path): a ranking's bars, a
unit's component indices against its peers and its targets, and its trend over the years.

Each chart is laid out for a phone first: a label on its own line above its bar, so that the text stays
readable where the picture is 400 px wide, and a ``viewBox`` that lets it scale up to a desktop column. Bars
of percentages do not always start at 0: where every value is high, an axis from 0 makes 93% and 99% look
alike, so the axis starts at a round number below the lowest value and the chart says so (``axis_note``).
Same data, same bytes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Sequence

from base.vn import number

WIDTH = 480
FONT = 16
BLUE, RED, GREY, GREEN, INK, RULE = "#1f4e79", "#b71c1c", "#9e9e9e", "#2e7d32", "#1b1b1b", "#d0d0d0"


def axis_start(values: Sequence[float | None]) -> float:
    """Where a percentage axis starts: 0 when some value is low; otherwise a multiple of 5 a little below the
    lowest value, so that the differences at the top of the scale can be seen."""
    seen = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not seen:
        return 0.0
    low, high = min(seen), max(seen)
    if low < 40:
        return 0.0
    start = math.floor((low - max(1.0, (high - low) * 0.15)) / 5) * 5
    return float(max(0, min(start, 95)))


def axis_note(start: float, unit: str = "%") -> str:
    if start <= 0:
        return ""
    return f"Trục bắt đầu từ {number(start)}{unit}, không từ 0, để thấy rõ chênh lệch."


def _text(x: float, y: float, content: str, size: int = FONT, anchor: str = "start", weight: str = "",
          fill: str = INK, cls: str = "") -> str:
    extra = (f' font-weight="{weight}"' if weight else "") + (f' class="{cls}"' if cls else "")
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{extra}>'
            f"{escape(content)}</text>")


def _short(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def _svg(height: float, title: str, body: list[str], cls: str, width: int = WIDTH) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="bieu-do {cls}" viewBox="0 0 {width} {height:.0f}" '
            f'width="100%" role="img" font-family="Liberation Sans, Arial, sans-serif">'
            f"<title>{escape(title)}</title>" + "".join(body) + "</svg>")


def _ticks(start: float, end: float = 100.0) -> list[float]:
    span = end - start
    step = 5 if span <= 25 else 10 if span <= 50 else 20 if span <= 100 else 50
    first = math.ceil(start / step) * step
    return [float(t) for t in range(int(first), int(end) + 1, step)]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    highlight: bool = False
    note: str = ""  # after the value, e.g. the rank


def ranking(bars: Sequence[Bar], title: str, start: float | None = None, gap_after: int | None = None,
            gap_text: str = "", end: float = 100.0, wide: bool = False) -> str:
    """Horizontal bars in the order given (best first). For a phone (``wide`` False) each label is above its
    bar; for a desktop column the labels stand left of the bars. ``gap_after``: the bars shown are the top
    and the bottom of a longer list, with ``gap_text`` between them."""
    start = axis_start([b.value for b in bars]) if start is None else start
    width = 900 if wide else WIDTH
    if wide:
        label_w, row, bar_h, text_y, bar_y, value_y = 330.0, 28.0, 18.0, 19.0, 5.0, 19.0
    else:
        label_w, row, bar_h, text_y, bar_y, value_y = 0.0, 42.0, 16.0, 15.0, 20.0, 34.0
    left, right = 16.0 + label_w, width - 96.0
    scale = (right - left) / max(end - start, 1e-9)
    body, y = [], 6.0
    grid_top = y
    for i, b in enumerate(bars):
        if gap_after is not None and i == gap_after:
            body.append(f'<line x1="16" x2="{width - 4}" y1="{y + 8:.1f}" y2="{y + 8:.1f}" stroke="{GREY}" '
                        'stroke-dasharray="4 4"/>')
            body.append(_text(width / 2, y + 28, gap_text, 14, "middle", fill="#444"))
            y += 40
        colour = RED if b.highlight else BLUE
        if wide:
            body.append(_text(left - 8, y + text_y, _short(b.label, 40), FONT - 1, "end",
                              weight="bold" if b.highlight else ""))
        else:
            body.append(_text(16, y + text_y, _short(b.label), FONT, weight="bold" if b.highlight else ""))
        if b.value is None or math.isnan(b.value):
            body.append(_text(left, y + value_y, "không có số liệu", 14, fill="#555"))
        else:
            length = max(2.0, (min(max(b.value, start), end) - start) * scale)
            body.append(f'<rect x="{left}" y="{y + bar_y:.1f}" width="{length:.1f}" height="{bar_h}" '
                        f'fill="{colour}"/>')
            body.append(_text(left + length + 4, y + value_y, number(b.value, 1) + (f" {b.note}" if b.note else ""),
                              14))
        y += row
    for t in _ticks(start, end):
        x = left + (t - start) * scale
        body.insert(0, f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{grid_top:.1f}" y2="{y:.1f}" stroke="{RULE}"/>')
        body.append(_text(x, y + 16, number(t) + "%", 13, "middle", fill="#444"))
    return _svg(y + 24, title, body, "xep-hang rong" if wide else "xep-hang hep", width)


@dataclass(frozen=True)
class Component:
    label: str
    value: float | None
    average: float | None
    target: float | None = None


def components(rows: Sequence[Component], title: str, who: str, peers: str) -> str:
    """Each component index of a unit (dark bar) over the average of its peers (light bar), its target a red
    mark where one is set; a legend first."""
    values = [v for r in rows for v in (r.value, r.average, r.target)]
    start = axis_start(values)
    left, right = 16.0, WIDTH - 60.0
    scale = (right - left) / max(100.0 - start, 1e-9)
    body = [f'<rect x="4" y="6" width="14" height="12" fill="{BLUE}"/>', _text(24, 17, _short(who, 50), 14),
            f'<rect x="4" y="26" width="14" height="12" fill="{GREY}"/>', _text(24, 37, _short(peers, 50), 14)]
    y = 50.0
    if any(r.target is not None and not math.isnan(r.target) for r in rows):
        body += [f'<line x1="11" x2="11" y1="45" y2="59" stroke="{RED}" stroke-width="3"/>',
                 _text(24, 57, "mục tiêu trong kế hoạch của đơn vị", 14)]
        y = 70.0
    top = y
    for r in rows:
        body.append(_text(left, y + 14, _short(r.label, 52), 15))
        for offset, value, colour, h in ((20, r.value, BLUE, 14), (36, r.average, GREY, 9)):
            if value is None or math.isnan(value):
                body.append(_text(left, y + offset + 11, "không có số liệu", 12, fill="#555"))
                continue
            length = max(2.0, (min(max(value, start), 100.0) - start) * scale)
            body.append(f'<rect x="{left}" y="{y + offset:.1f}" width="{length:.1f}" height="{h}" fill="{colour}"/>')
            body.append(_text(left + length + 4, y + offset + h - 1, number(value, 1), 14))
        if r.target is not None and not math.isnan(r.target):
            x = left + (min(max(r.target, start), 100.0) - start) * scale
            body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 17:.1f}" y2="{y + 47:.1f}" stroke="{RED}" '
                        'stroke-width="3"/>')
        y += 56
    for t in _ticks(start):
        x = left + (t - start) * scale
        body.insert(0, f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top:.1f}" y2="{y:.1f}" stroke="{RULE}"/>')
        body.append(_text(x, y + 16, number(t) + "%", 13, "middle", fill="#444"))
    return _svg(y + 24, title, body, "thanh-phan")


def trend(labels: Sequence[str], values: Sequence[float | None], title: str, notes: Sequence[str] = ()) -> str:
    """One unit's result over the years: points joined by a line, each with its value (and ``notes``, e.g.
    the rank) written above it."""
    start = axis_start(values)
    left, right, top, bottom = 90.0, WIDTH - 90.0, 30.0, 190.0  # room for a label centred on the end points
    count = max(len(labels), 1)
    step = (right - left) / max(count - 1, 1)
    xs = [left + (i * step if count > 1 else (right - left) / 2) for i in range(count)]

    def y_of(v: float) -> float:
        return bottom - (min(max(v, start), 100.0) - start) / max(100.0 - start, 1e-9) * (bottom - top)

    body = []
    for t in _ticks(start):
        y = y_of(t)
        body.append(f'<line x1="40" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="{RULE}"/>')
        body.append(_text(34, y + 4, number(t), 12, "end", fill="#444"))
    points = [(x, y_of(v)) for x, v in zip(xs, values) if v is not None and not math.isnan(v)]
    if len(points) > 1:
        body.append('<polyline fill="none" stroke="' + BLUE + '" stroke-width="2.5" points="'
                    + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>')
    for i, (x, label) in enumerate(zip(xs, labels)):
        value = values[i]
        body.append(_text(x, bottom + 22, label, 13, "middle"))
        if value is None or math.isnan(value):
            body.append(_text(x, bottom - 6, "không có số liệu", 12, "middle", fill="#555"))
            continue
        y = y_of(value)
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{BLUE}"/>')
        note = notes[i] if i < len(notes) else ""
        body.append(_text(x, y - 10, number(value, 1) + "%" + (f" ({note})" if note else ""), 13, "middle",
                          weight="bold"))
    return _svg(bottom + 34, title, body, "xu-huong")


def ranking_ends(rows: Sequence[tuple[int, str, float | None]], title: str, ends: int = 10) -> tuple[str, str]:
    """The chart of a ranking's ``(rank, name, percent)`` rows, best first: all of them up to ``3 × ends``,
    else the first and the last ``ends`` with the count of those between — twice, laid out for a phone and
    for a desktop (the page's style shows one) — and the note on its axis."""
    ordered = sorted(rows, key=lambda r: r[0])
    shown, gap = list(ordered), None
    if len(ordered) > 3 * ends:
        shown, gap = ordered[:ends] + ordered[-ends:], ends
    start = axis_start([r[2] for r in shown])
    bars = [Bar(name, value, note=f"(hạng {rank})") for rank, name, value in shown]
    between = f"… {number(len(ordered) - len(shown))} đơn vị ở giữa: xem bảng dưới …"
    return (ranking(bars, title, start, gap, between) + ranking(bars, title, start, gap, between, wide=True),
            axis_note(start))


def forecast(labels: Sequence[str], values: Sequence[float | None], year_end: tuple[float, float, float],
             maximum: float, title: str) -> str:
    """A unit's points of the year's cumulative periods so far, joined by a line, and at the last label the
    year-end forecast: its interval as a bar (low–high) with the median as a dot. The axis runs from 0 to the
    rule set's maximum, so that the interval is seen against the whole scale."""
    low, mid, high = year_end
    left, right, top, bottom = 70.0, WIDTH - 70.0, 30.0, 190.0
    count = max(len(labels), 2)
    xs = [left + i * (right - left) / (count - 1) for i in range(count)]
    top_value = max(maximum, high, 1e-9)

    def y_of(v: float) -> float:
        return bottom - min(max(v, 0.0), top_value) / top_value * (bottom - top)

    body = []
    ticks = _ticks(0.0, top_value)
    # the scale's top is the unit's maximum (79 where a criterion is scored only at the year's end): drawn and
    # labelled, or points near it would seem to float above the axis; a tick just below it gives way
    if len(ticks) > 1 and top_value - ticks[-1] < (ticks[1] - ticks[0]) / 3:
        ticks.pop()
    if not ticks or ticks[-1] < top_value:
        ticks.append(top_value)
    for t in ticks:
        y = y_of(t)
        body.append(f'<line x1="40" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="{RULE}"/>')
        body.append(_text(34, y + 4, number(t, 1), 12, "end", fill="#444"))
    seen = [(x, y_of(v)) for x, v in zip(xs, values) if v is not None and not math.isnan(v)]
    line = seen + [(xs[-1], y_of(mid))]
    if len(line) > 1:
        body.append(f'<polyline fill="none" stroke="{GREY}" stroke-width="2" stroke-dasharray="6 4" points="'
                    + " ".join(f"{x:.1f},{y:.1f}" for x, y in line[-2:]) + '"/>')
    if len(seen) > 1:
        body.append(f'<polyline fill="none" stroke="{BLUE}" stroke-width="2.5" points="'
                    + " ".join(f"{x:.1f},{y:.1f}" for x, y in seen) + '"/>')
    for x, label, value in zip(xs, labels, list(values) + [None]):
        body.append(_text(x, bottom + 22, _short(label, 18), 13, "middle"))
        if value is not None and not math.isnan(value):
            body.append(f'<circle cx="{x:.1f}" cy="{y_of(value):.1f}" r="5" fill="{BLUE}"/>')
            body.append(_text(x, y_of(value) - 10, number(value, 1), 13, "middle", weight="bold"))
    x = xs[-1]
    body.append(f'<rect class="khoang-du-bao" x="{x - 9:.1f}" y="{y_of(high):.1f}" width="18" '
                f'height="{max(y_of(low) - y_of(high), 2):.1f}" fill="{GREEN}" fill-opacity="0.35" stroke="{GREEN}"/>')
    body.append(f'<circle cx="{x:.1f}" cy="{y_of(mid):.1f}" r="5" fill="{GREEN}"/>')
    body.append(_text(x - 14, y_of(high) - 6, f"{number(low, 1)}–{number(high, 1)}", 13, "end", weight="bold"))
    return _svg(bottom + 34, title, body, "du-bao")
