"""Markdown to safe HTML, and the list of what a page refers to (links, images, media, raw HTML).

Rendering is two layers deep on purpose: links and images are resolved token by token (only course pages,
files inside the media folder and plain web links survive), then nh3 (the Ammonia sanitiser) strips whatever
else a translation file might smuggle in. Packages must work offline and must not leak a learner's address to
third parties, so nothing in a page may load content from outside the package.

A passage in another language is a bracketed span with attributes, ``[CHIME]{lang=en}`` (the span syntax of
mdit-py-plugins' ``attrs_plugin``, after Djot). It renders as ``<span lang="en" dir="ltr">``: ``dir`` comes from the
language (Babel), so screen readers switch voice and the Unicode bidirectional algorithm isolates the passage.
``lang`` is the only attribute an author may write; ``source.checks`` reports any other, and an unknown code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.attrs.parse import ParseError, parse

from .languages import UnknownLanguage, language

MEDIA_LINE = re.compile(r"^\{\{\s*(video|audio)\s+([a-z0-9][a-z0-9-]*)\s*\}\}\s*$")
_MEDIA_MARK = "QRMEDIA-{kind}-{id}-QRMEDIA"
_MEDIA_MARK_RE = re.compile(r"<p>QRMEDIA-(video|audio)-([a-z0-9-]+)-QRMEDIA</p>")
WEB_SCHEMES = ("http://", "https://", "mailto:")
SPAN_ATTRIBUTES = ("lang",)  # what an author may write in a span's {…}; dir is derived from lang
_SPAN_END = re.compile(r"(?<!\\)\]\{")  # where a span's attribute block starts: "]{" right after the text
_STRAY_LANG = re.compile(r"\{\s*lang\s*=")

_ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "h2", "h3", "h4", "h5",
    "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "img", "del", "span",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "target", "hreflang", "class"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "span": {"lang", "dir"},
    "th": {"scope"},
}


@dataclass(frozen=True)
class Reference:
    """Something a page points at, with the line it is on (1-based, within the Markdown body)."""

    kind: str  # "link", "image", "media", "html", "h1", "lang", "span-attribute" or "stray-lang"
    target: str
    line: int


def _parser(*, html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": html, "linkify": False, "typographer": False}).enable("table")
    # Spans only: attributes after links, images and code would be a second, unchecked way to set attributes.
    attrs_plugin(md, after=(), spans=True, allowed=SPAN_ATTRIBUTES)
    return md


_RENDER = _parser(html=False)
_SCAN = _parser(html=True)


def _mark_media_lines(markdown: str) -> str:
    lines = []
    for line in markdown.split("\n"):
        match = MEDIA_LINE.match(line.strip())
        lines.append(_MEDIA_MARK.format(kind=match[1], id=match[2]) if match else line)
    return "\n".join(lines)


def _line_of(target: str, block: Token, lines: list[str]) -> int:
    start, end = block.map or (0, 1)
    for number in range(start, min(end, len(lines))):
        if target in lines[number]:
            return number + 1
    return start + 1


def scan_page(markdown: str) -> list[Reference]:
    """List the links, images, media placeholders and raw HTML of a page body, each with its line."""
    lines = markdown.split("\n")
    found: list[Reference] = []
    for number, line in enumerate(lines, start=1):
        match = MEDIA_LINE.match(line.strip())
        if match:
            found.append(Reference("media", f"{match[1]}:{match[2]}", number))
    for block in _SCAN.parse(markdown):
        if block.type == "html_block":
            found.append(Reference("html", block.content.strip().split("\n")[0][:40], (block.map or [0])[0] + 1))
        if block.type == "heading_open" and block.tag == "h1":
            found.append(Reference("h1", "#", (block.map or [0])[0] + 1))
        for child in block.children or []:
            if child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                found.append(Reference("link", href, _line_of(href, block, lines)))
            elif child.type == "image":
                src = str(child.attrs.get("src", ""))
                found.append(Reference("image", src, _line_of(src, block, lines)))
            elif child.type == "html_inline":
                found.append(Reference("html", child.content[:40], _line_of(child.content, block, lines)))
        found.extend(_scan_spans(block, lines))
    return found


def _scan_spans(block: Token, lines: list[str]) -> list[Reference]:
    """List the language spans of one inline block, each with its line.

    Each span gives a "lang" reference and a "span-attribute" for anything else it holds; ``{lang=…}`` text that
    is not attached to a span gives a "stray-lang".
    """
    children = block.children or []
    spans = [c for c in children if c.type == "span_open"]
    stray = [c for c in children if c.type == "text" and _STRAY_LANG.search(c.content)]
    if not spans and not stray:
        return []
    start, end = block.map or (0, 1)
    raw = "\n".join(lines[start:end])
    written: list[tuple[int, dict[str, str]]] = []  # (line, attributes) of every "]{…}" in the source, in order
    for match in _SPAN_END.finditer(raw):
        try:
            _, parsed = parse(raw[match.end() - 1:])
        except ParseError:
            continue
        written.append((start + raw.count("\n", 0, match.start()) + 1, parsed))
    found: list[Reference] = []
    for span in spans:
        attrs = {name: str(value) for name, value in span.attrs.items()} | span.meta.get("insecure_attrs", {})
        place = next((w for w in written if w[1] == attrs), None)
        if place is not None:
            written.remove(place)
        line = place[0] if place else start + 1
        found.extend(Reference("span-attribute", name, line) for name in attrs if name != "lang")
        found.append(Reference("lang", str(attrs.get("lang", "")), line))
    for text in stray:
        written_text = text.content[_STRAY_LANG.search(text.content).start():]  # type: ignore[union-attr]
        found.append(Reference("stray-lang", written_text[:40], _line_of(written_text[:12], block, lines)))
    return found


LinkResolver = Callable[[str], str | None]
MediaRenderer = Callable[[str, str], str]


def render_page(
    markdown: str,
    *,
    resolve_link: LinkResolver,
    resolve_image: LinkResolver,
    render_media: MediaRenderer,
) -> str:
    """Render one page body to sanitised HTML.

    Args:
        markdown: the page body (front matter removed) or a transcript.
        resolve_link: maps an internal ``page:`` target to a player URL, or None to drop the link.
        resolve_image: maps an image path to its path inside the package, or None to drop the image.
        render_media: renders a ``{{video ID}}`` / ``{{audio ID}}`` placeholder (trusted HTML of ours).
    """
    tokens = _RENDER.parse(_mark_media_lines(markdown))
    for block in tokens:
        for child in block.children or []:
            if child.type == "link_open":
                _rewrite_link(child, resolve_link)
            elif child.type == "image":
                _rewrite_image(child, resolve_image)
            elif child.type == "span_open":
                _set_span_language(child)
        if block.type in ("th_open", "td_open"):
            block.attrs.pop("style", None)
            if block.type == "th_open":
                block.attrs["scope"] = "col"
    html = _RENDER.renderer.render(tokens, _RENDER.options, {})
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _MEDIA_MARK_RE.sub(lambda m: render_media(m[1], m[2]), clean)


def _rewrite_link(token: Token, resolve_link: LinkResolver) -> None:
    href = str(token.attrs.get("href", ""))
    if href.startswith(WEB_SCHEMES):
        token.attrs["target"] = "_blank"
        token.attrs["class"] = "qr-external"
        return
    resolved = resolve_link(href) if href.startswith("page:") else None
    if resolved is None:
        token.attrs.pop("href", None)  # an <a> without href is plain text to the learner
    else:
        token.attrs["href"] = resolved


def _set_span_language(token: Token) -> None:
    """Keep only a known ``lang`` on a span and add the direction of that language (WCAG 2.1 SC 3.1.2)."""
    code = str(token.attrs.get("lang", ""))
    try:
        direction = language(code).direction if code else None
    except UnknownLanguage:
        direction = None
    token.attrs = {"lang": code, "dir": direction} if direction else {}


def _rewrite_image(token: Token, resolve_image: LinkResolver) -> None:
    src = str(token.attrs.get("src", ""))
    resolved = None if "://" in src or src.startswith(("//", "data:")) else resolve_image(src)
    if resolved is None:
        # Keep the words, lose the picture: the alt text becomes the content.
        alt = "".join(c.content for c in token.children or [])
        token.type, token.tag, token.nesting, token.children = "text", "", 0, None
        token.content = alt
        token.attrs = {}
    else:
        token.attrs["src"] = resolved


def escape_text(text: str) -> str:
    """Escape plain text for HTML (titles, prompts and choices are plain text, not Markdown)."""
    return escape(text, quote=True)
