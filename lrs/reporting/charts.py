"""Charts as inline SVG, drawn on the server: no script, no CDN, nothing to download.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``, and the same
numbers are in an HTML table next to it, which is what screen readers use. Every text that
goes into the SVG is escaped here (:func:`_el`), since labels can come from statements.
A suppressed number draws no bar: a short grey mark says "hidden". In right-to-left pages
the horizontal charts are mirrored.
"""

from __future__ import annotations

import secrets
import typing as t

from markupsafe import Markup, escape

COLOURS = {"started": "#1f5fa8", "completed": "#0b6e3d", "reached": "#1f5fa8", "hidden": "#767676",
           "axis": "#4a4a4a", "ci": "#1f1f1f"}
LIKERT = ("#a11a2b", "#d9704a", "#9e9e9e", "#4f8fbf", "#1d4f91")


def _el(tag: str, attrs: dict[str, t.Any] | None = None, *children: str | Markup) -> Markup:
    parts = [f"<{tag}"]
    for name, value in (attrs or {}).items():
        if value is not None:
            parts.append(f' {name}="{escape(value)}"')
    inner = "".join(str(c) if isinstance(c, Markup) else str(escape(c)) for c in children)
    return Markup("".join(parts) + (f">{inner}</{tag}>" if children else "/>"))


def _svg(width: int, height: int, title: str, desc: str, body: list[Markup], cls: str) -> Markup:
    number = secrets.token_hex(4)
    return _el("svg", {"role": "img", "aria-labelledby": f"chart{number}t chart{number}d", "class": cls,
                       "viewBox": f"0 0 {width} {height}", "xmlns": "http://www.w3.org/2000/svg"},
               _el("title", {"id": f"chart{number}t"}, title), _el("desc", {"id": f"chart{number}d"}, desc),
               Markup("").join(body))


def _scale(values: t.Iterable[float | None]) -> float:
    top = max([v for v in values if v is not None] + [1.0])
    magnitude = 10 ** (len(str(int(top))) - 1)
    return float(((int(top) // magnitude) + 1) * magnitude)


def monthly_bars(months: list[str], labels: list[str], series: dict[str, list[int | None]], names: dict[str, str],
                 title: str, desc: str, fmt: t.Callable[[float], str]) -> Markup:
    """Grouped vertical bars per month (started, completed)."""
    left, top_pad, bottom, group = 56, 16, 40, 26
    width = max(480, left + 16 + group * len(months))
    height = 240
    plot = height - top_pad - bottom
    top = _scale(v for values in series.values() for v in values)
    body: list[Markup] = []
    for fraction in (0, 0.5, 1):
        y = top_pad + plot * (1 - fraction)
        body.append(_el("line", {"x1": left, "x2": width - 8, "y1": y, "y2": y, "stroke": "#d0d0d0"}))
        body.append(_el("text", {"x": left - 6, "y": y + 4, "text-anchor": "end", "class": "tick"}, fmt(top * fraction)))
    step = max(1, len(months) // 12)
    for index, month in enumerate(months):
        x0 = left + 8 + index * group
        for offset, (name, values) in enumerate(series.items()):
            value = values[index]
            x = x0 + offset * 10
            if value is None:
                body.append(_el("rect", {"x": x, "y": top_pad + plot - 3, "width": 9, "height": 3,
                                         "fill": COLOURS["hidden"]}, _el("title", None, f"{labels[index]}: {names[name]} —")))
                continue
            h = plot * value / top
            body.append(_el("rect", {"x": x, "y": top_pad + plot - h, "width": 9, "height": max(h, 0.5),
                                     "fill": COLOURS.get(name, "#555")},
                            _el("title", None, f"{labels[index]}: {names[name]} {fmt(value)}")))
        if index % step == 0:
            body.append(_el("text", {"x": x0 + 10, "y": height - bottom + 16, "text-anchor": "middle",
                                     "class": "tick"}, month))
    legend_x = left
    for name in series:
        body.append(_el("rect", {"x": legend_x, "y": height - 14, "width": 10, "height": 10, "fill": COLOURS[name]}))
        body.append(_el("text", {"x": legend_x + 14, "y": height - 5, "class": "tick"}, names[name]))
        legend_x += 20 + 8 * len(names[name])
    return _svg(width, height, title, desc, body, "chart chart-wide")


def horizontal_bars(rows: list[tuple[str, dict[str, int | None]]], names: dict[str, str], title: str, desc: str,
                    fmt: t.Callable[[float], str], rtl: bool) -> Markup:
    """One group of horizontal bars per row (e.g. reached and completed per module)."""
    label_width, bar, gap, width = 220, 12, 10, 640
    series = list(names)
    row_height = bar * len(series) + gap
    height = 24 + row_height * max(1, len(rows))
    top = _scale(v for _, values in rows for v in values.values())
    plot = width - label_width - 70
    body: list[Markup] = []

    def x_of(x: float, w: float = 0) -> float:
        return width - x - w if rtl else x

    for index, (label, values) in enumerate(rows):
        y0 = 8 + index * row_height
        short = label if len(label) <= 34 else label[:33] + "…"
        body.append(_el("text", {"x": x_of(label_width - 8), "y": y0 + row_height / 2,
                                 "text-anchor": "start" if rtl else "end", "class": "label"},
                        short, _el("title", None, label)))
        for offset, name in enumerate(series):
            value = values.get(name)
            y = y0 + offset * bar
            if value is None:
                body.append(_el("rect", {"x": x_of(label_width, 4), "y": y + 2, "width": 4, "height": bar - 3,
                                         "fill": COLOURS["hidden"]}, _el("title", None, f"{label}: {names[name]} —")))
                continue
            w = plot * value / top
            body.append(_el("rect", {"x": x_of(label_width, w), "y": y + 1, "width": max(w, 0.5), "height": bar - 2,
                                     "fill": COLOURS.get(name, "#555")},
                            _el("title", None, f"{label}: {names[name]} {fmt(value)}")))
            body.append(_el("text", {"x": x_of(label_width + w + 4), "y": y + bar - 2, "class": "tick",
                                     "text-anchor": "end" if rtl else "start"}, fmt(value)))
    legend_x = label_width
    for name in series:
        body.append(_el("rect", {"x": x_of(legend_x, 10), "y": height - 14, "width": 10, "height": 10,
                                 "fill": COLOURS.get(name, "#555")}))
        body.append(_el("text", {"x": x_of(legend_x + 14), "y": height - 5, "class": "tick",
                                 "text-anchor": "end" if rtl else "start"}, names[name]))
        legend_x += 24 + 7 * len(names[name])
    return _svg(width, height + 4, title, desc, body, "chart")


def progress_bar(share: float | None, title: str, desc: str) -> Markup:
    """A bar filled to ``share`` (0-1) of its width."""
    width, height = 640, 28
    fill = 0.0 if share is None else max(0.0, min(1.0, share))
    body = [_el("rect", {"x": 0, "y": 4, "width": width, "height": 20, "fill": "#e6e6e6", "stroke": "#767676"}),
            _el("rect", {"x": 0, "y": 4, "width": max(fill * width, 1.0 if fill else 0), "height": 20,
                         "fill": COLOURS["completed"]})]
    return _svg(width, height, title, desc, body, "chart chart-progress")


def forest(rows: list[tuple[str, float | None, float | None, float | None]], title: str, desc: str,
           fmt: t.Callable[[float], str], rtl: bool) -> Markup:
    """Effect sizes (rank-biserial r, -1 to 1) with their intervals, one row per label."""
    label_width, width, row = 300, 700, 22
    height = 34 + row * max(1, len(rows))
    plot = width - label_width - 30

    def x_of(r: float) -> float:
        x = label_width + (r + 1) / 2 * plot
        return width - x if rtl else x

    body: list[Markup] = []
    for tick in (-1, -0.5, 0, 0.5, 1):
        x = x_of(tick)
        body.append(_el("line", {"x1": x, "x2": x, "y1": 6, "y2": height - 24,
                                 "stroke": COLOURS["axis"] if tick == 0 else "#d0d0d0"}))
        body.append(_el("text", {"x": x, "y": height - 8, "text-anchor": "middle", "class": "tick"}, fmt(tick)))
    for index, (label, r, low, high) in enumerate(rows):
        y = 16 + index * row
        short = label if len(label) <= 44 else label[:43] + "…"
        body.append(_el("text", {"x": width - label_width + 8 if rtl else label_width - 8, "y": y + 4,
                                 "text-anchor": "start" if rtl else "end", "class": "label"},
                        short, _el("title", None, label)))
        if r is None or low is None or high is None:
            body.append(_el("circle", {"cx": x_of(0), "cy": y, "r": 3, "fill": COLOURS["hidden"]},
                            _el("title", None, f"{label}: —")))
            continue
        body.append(_el("line", {"x1": x_of(low), "x2": x_of(high), "y1": y, "y2": y, "stroke": COLOURS["ci"],
                                 "stroke-width": 2}))
        body.append(_el("circle", {"cx": x_of(r), "cy": y, "r": 5, "fill": COLOURS["started"]},
                        _el("title", None, f"{label}: r = {fmt(r)} [{fmt(low)}, {fmt(high)}]")))
    return _svg(width, height, title, desc, body, "chart chart-wide")


def stacked(rows: list[tuple[str, list[int | None], int | None]], names: list[str], title: str, desc: str,
            rtl: bool) -> Markup:
    """100% stacked bars of Likert answers; a hidden remainder is grey."""
    label_width, width, bar = 300, 700, 16
    height = 40 + (bar + 6) * max(1, len(rows))
    plot = width - label_width - 10
    body: list[Markup] = []
    for index, (label, counts, total) in enumerate(rows):
        y = 6 + index * (bar + 6)
        short = label if len(label) <= 44 else label[:43] + "…"
        body.append(_el("text", {"x": width - label_width + 8 if rtl else label_width - 8, "y": y + bar - 4,
                                 "text-anchor": "start" if rtl else "end", "class": "label"},
                        short, _el("title", None, label)))
        if not total:
            continue
        x = 0.0
        segments = [(LIKERT[i], c, names[i]) for i, c in enumerate(counts) if c is not None]
        hidden = total - sum(c for _, c, _ in segments)
        if hidden > 0:
            segments.append((COLOURS["hidden"], hidden, "—"))
        for colour, count, name in segments:
            w = plot * count / total
            left = label_width + x
            body.append(_el("rect", {"x": width - left - w if rtl else left, "y": y, "width": max(w, 0.0),
                                     "height": bar, "fill": colour}, _el("title", None, f"{label}: {name}")))
            x += w
    legend_x = label_width
    for i, name in enumerate(names):
        lx = width - legend_x - 10 if rtl else legend_x
        body.append(_el("rect", {"x": lx, "y": height - 16, "width": 10, "height": 10, "fill": LIKERT[i]}))
        body.append(_el("text", {"x": width - legend_x - 14 if rtl else legend_x + 14, "y": height - 7,
                                 "class": "tick", "text-anchor": "end" if rtl else "start"}, name))
        legend_x += 26 + 6 * len(name)
    return _svg(width, height, title, desc, body, "chart chart-wide")
