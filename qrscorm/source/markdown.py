"""Markdown to safe HTML, and the list of what a page refers to (links, images, media, raw HTML).

Rendering is two layers deep on purpose: links and images are resolved token by token (only course pages,
files inside the media folder and plain web links survive), then nh3 (the Ammonia sanitiser) strips whatever
else a translation file might smuggle in. Packages must work offline and must not leak a learner's address to
third parties, so nothing in a page may load content from outside the package.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

MEDIA_LINE = re.compile(r"^\{\{\s*(video|audio)\s+([a-z0-9][a-z0-9-]*)\s*\}\}\s*$")
_MEDIA_MARK = "QRMEDIA-{kind}-{id}-QRMEDIA"
_MEDIA_MARK_RE = re.compile(r"<p>QRMEDIA-(video|audio)-([a-z0-9-]+)-QRMEDIA</p>")
WEB_SCHEMES = ("http://", "https://", "mailto:")

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

    kind: str  # "link", "image", "media" or "html"
    target: str
    line: int


def _parser(*, html: bool) -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": html, "linkify": False, "typographer": False}).enable("table")


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
