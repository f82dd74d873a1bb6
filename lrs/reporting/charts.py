"""Charts as inline SVG, drawn on the server: no script, no CDN, nothing to download.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``, and the same
numbers are in an HTML table next to it, which is what screen readers use. Every text that
goes into the SVG is escaped here (:func:`_el`), since labels can come from statements.
A suppressed number draws no bar: a short grey mark says "hidden". Charts are laid out
left to right and mirrored as a whole for right-to-left pages (:class:`_Canvas`); the SVG's
own direction is fixed to ``ltr`` so that text anchors mean the same in both.
"""

from __future__ import annotations

import secrets
import typing as t

from markupsafe import Markup, escape

COLOURS = {"started": "#1f5fa8", "completed": "#0b6e3d", "reached": "#1f5fa8", "hidden": "#767676",
           "axis": "#4a4a4a", "ci": "#1f1f1f", "grid": "#d0d0d0"}
LIKERT = ("#a11a2b", "#d9704a", "#9e9e9e", "#4f8fbf", "#1d4f91")
Format = t.Callable[[float], str]


def _el(tag: str, attrs: dict[str, t.Any] | None = None, *children: str | Markup) -> Markup:
    parts = [f"<{tag}"]
    for name, value in (attrs or {}).items():
        if value is not None:
            parts.append(f' {name}="{escape(value)}"')
    inner = "".join(str(c) if isinstance(c, Markup) else str(escape(c)) for c in children)
    return Markup("".join(parts) + (f">{inner}</{tag}>" if children else "/>"))


class _Canvas:
    """SVG elements in left-to-right coordinates, mirrored when the page is right-to-left."""

    def __init__(self, width: int, rtl: bool) -> None:
        self.width, self.rtl = width, rtl
        self.body: list[Markup] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str, tip: str | None = None) -> None:
        left = self.width - x - w if self.rtl else x
        attrs = {"x": round(left, 2), "y": round(y, 2), "width": round(max(w, 0.0), 2), "height": round(h, 2),
                 "fill": fill}
        self.body.append(_el("rect", attrs, _el("title", None, tip)) if tip else _el("rect", attrs))

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1) -> None:
        if self.rtl:
            x1, x2 = self.width - x1, self.width - x2
        self.body.append(_el("line", {"x1": round(x1, 2), "y1": y1, "x2": round(x2, 2), "y2": y2, "stroke": stroke,
                                      "stroke-width": width}))

    def circle(self, x: float, y: float, r: float, fill: str, tip: str) -> None:
        cx = self.width - x if self.rtl else x
        self.body.append(_el("circle", {"cx": round(cx, 2), "cy": y, "r": r, "fill": fill}, _el("title", None, tip)))

    def text(self, x: float, y: float, text: str, anchor: str = "start", cls: str = "tick",
             tip: str | None = None) -> None:
        if self.rtl:
            x = self.width - x
            anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
        children: list[str | Markup] = [text] + ([_el("title", None, tip)] if tip else [])
        self.body.append(_el("text", {"x": round(x, 2), "y": round(y, 2), "text-anchor": anchor, "class": cls},
                             *children))

    def legend(self, x: float, y: float, items: list[tuple[str, str]]) -> float:
        """Draw colour keys from (x, y), wrapping at the right edge; return the y below the last line."""
        start = x
        for name, colour in items:
            width = 28 + 6.5 * len(name)
            if x + width > self.width and x > start:
                x, y = start, y + 16
            self.rect(x, y, 10, 10, colour)
            self.text(x + 14, y + 9, name)
            x += width
        return y + 16

    def svg(self, height: int, title: str, desc: str, cls: str) -> Markup:
        number = secrets.token_hex(4)
        return _el("svg", {"role": "img", "aria-labelledby": f"c{number}t c{number}d", "class": cls,
                           "width": self.width, "height": height, "viewBox": f"0 0 {self.width} {height}",
                           "direction": "ltr", "xmlns": "http://www.w3.org/2000/svg"},
                   _el("title", {"id": f"c{number}t"}, title), _el("desc", {"id": f"c{number}d"}, desc),
                   Markup("").join(self.body))


def _top(values: t.Iterable[float | None]) -> float:
    top = max([v for v in values if v is not None] + [1.0])
    magnitude = 10 ** (len(str(int(top))) - 1)
    return float(((int(top) // magnitude) + 1) * magnitude)


def _short(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[:chars - 1] + "…"


def monthly_bars(labels: list[str], series: dict[str, list[int | None]], names: dict[str, str], title: str,
                 desc: str, fmt: Format, rtl: bool) -> Markup:
    """Grouped vertical bars per month (started, completed)."""
    left, top_pad, bottom, group = 56, 12, 46, 28
    canvas = _Canvas(max(420, left + 16 + group * len(labels)), rtl)
    height, plot = 250, 250 - 12 - 46
    top = _top(v for values in series.values() for v in values)
    for fraction in (0, 0.5, 1):
        y = top_pad + plot * (1 - fraction)
        canvas.line(left, y, canvas.width - 8, y, COLOURS["grid"])
        canvas.text(left - 6, y + 4, fmt(top * fraction), "end")
    step = max(1, -(-64 // group))  # a label every few months, so labels never overlap
    for index, label in enumerate(labels):
        x0 = left + 6 + index * group
        for offset, (name, values) in enumerate(series.items()):
            value, x = values[index], x0 + offset * 11
            if value is None:
                canvas.rect(x, top_pad + plot - 3, 10, 3, COLOURS["hidden"], f"{label}: {names[name]} —")
            else:
                h = plot * value / top
                canvas.rect(x, top_pad + plot - h, 10, max(h, 0.5), COLOURS[name],
                            f"{label}: {names[name]} {fmt(value)}")
        if index % step == 0:
            canvas.text(x0 + 11, height - bottom + 16, label, "middle")
    canvas.legend(left, height - 16, [(names[n], COLOURS[n]) for n in series])
    return canvas.svg(height, title, desc, "chart")


def horizontal_bars(rows: list[tuple[str, dict[str, int | None]]], names: dict[str, str], title: str, desc: str,
                    fmt: Format, rtl: bool) -> Markup:
    """One group of horizontal bars per row (e.g. reached and completed per module)."""
    label_width, bar, gap = 230, 12, 10
    canvas = _Canvas(680, rtl)
    row_height = bar * len(names) + gap
    height = 30 + row_height * max(1, len(rows))
    top = _top(v for _, values in rows for v in values.values())
    plot = canvas.width - label_width - 60
    for index, (label, values) in enumerate(rows):
        y0 = 4 + index * row_height
        canvas.text(label_width - 8, y0 + row_height / 2, _short(label, 34), "end", "label", label)
        for offset, name in enumerate(names):
            value, y = values.get(name), y0 + offset * bar
            if value is None:
                canvas.rect(label_width, y + 2, 4, bar - 3, COLOURS["hidden"], f"{label}: {names[name]} —")
                continue
            w = plot * value / top
            canvas.rect(label_width, y + 1, max(w, 0.5), bar - 2, COLOURS.get(name, "#555555"),
                        f"{label}: {names[name]} {fmt(value)}")
            canvas.text(label_width + w + 4, y + bar - 2, fmt(value))
    canvas.legend(label_width, height - 16, [(names[n], COLOURS.get(n, "#555555")) for n in names])
    return canvas.svg(height, title, desc, "chart")


def progress_bar(share: float | None, title: str, desc: str, rtl: bool) -> Markup:
    """A bar filled to ``share`` (0-1) of its width."""
    canvas = _Canvas(640, rtl)
    fill = 0.0 if share is None else max(0.0, min(1.0, share))
    canvas.rect(0, 4, 640, 20, "#e6e6e6")
    canvas.rect(0, 4, max(fill * 640, 2.0 if fill else 0.0), 20, COLOURS["completed"])
    canvas.line(0, 24, 640, 24, COLOURS["axis"])
    return canvas.svg(28, title, desc, "chart chart-progress")


def forest(rows: list[tuple[str, float | None, float | None, float | None]], title: str, desc: str, fmt: Format,
           rtl: bool) -> Markup:
    """Effect sizes (rank-biserial r, -1 to 1) with their intervals, one row per label."""
    label_width, row = 310, 22
    canvas = _Canvas(720, rtl)
    height = 36 + row * max(1, len(rows))
    plot = canvas.width - label_width - 24

    def x_of(r: float) -> float:
        return label_width + (r + 1) / 2 * plot

    for tick in (-1, -0.5, 0, 0.5, 1):
        canvas.line(x_of(tick), 6, x_of(tick), height - 24, COLOURS["axis"] if tick == 0 else COLOURS["grid"])
        canvas.text(x_of(tick), height - 8, fmt(tick), "middle")
    for index, (label, r, low, high) in enumerate(rows):
        y = 16 + index * row
        canvas.text(label_width - 8, y + 4, _short(label, 46), "end", "label", label)
        if r is None or low is None or high is None:
            canvas.circle(x_of(0), y, 3, COLOURS["hidden"], f"{label}: —")
            continue
        canvas.line(x_of(low), y, x_of(high), y, COLOURS["ci"], 2)
        canvas.circle(x_of(r), y, 5, COLOURS["started"], f"{label}: r = {fmt(r)} [{fmt(low)}, {fmt(high)}]")
    return canvas.svg(height, title, desc, "chart")


def stacked(rows: list[tuple[str, list[int | None], int | None]], names: list[str], title: str, desc: str,
            rtl: bool) -> Markup:
    """100% stacked bars of Likert answers; a hidden remainder is grey."""
    label_width, bar = 310, 16
    canvas = _Canvas(720, rtl)
    height = 60 + (bar + 6) * max(1, len(rows))
    plot = canvas.width - label_width - 10
    for index, (label, counts, total) in enumerate(rows):
        y = 4 + index * (bar + 6)
        canvas.text(label_width - 8, y + bar - 4, _short(label, 46), "end", "label", label)
        if not total:
            continue
        segments = [(LIKERT[i], c, names[i]) for i, c in enumerate(counts) if c is not None]
        hidden = total - sum(c for _, c, _ in segments)
        if hidden > 0:
            segments.append((COLOURS["hidden"], hidden, "—"))
        x = float(label_width)
        for colour, count, name in segments:
            w = plot * count / total
            canvas.rect(x, y, w, bar, colour, f"{label}: {name}")
            x += w
    canvas.legend(8, height - 34, list(zip(names, LIKERT, strict=False)))
    return canvas.svg(height, title, desc, "chart")
