"""Cut a Markdown page into translatable blocks, and put translated blocks back in their place.

A block is the inline content of one paragraph, heading, list item paragraph, quote paragraph or table cell.
Everything around it (``## ``, ``- ``, ``> ``, table pipes, ``{{video …}}`` lines, blank lines, front matter)
is the page's skeleton and is never handed to a translator. Each block knows where it sits in the file (line and
column), so a translated block replaces exactly its own text and nothing else in the file moves.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from markdown_it import MarkdownIt

from ..source.markdown import MEDIA_LINE
from .inline import parse_markdown, text_of

WIDTH = 115  # the course source wraps Markdown paragraphs at about this many characters
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")
_MD_HTML = MarkdownIt("commonmark", {"html": True}).enable("table")
_WS = " \t"  # only these count as spaces: a no-break space is part of the text
_CONTAINERS = ("bullet_list", "ordered_list", "blockquote")
# A line that starts like this would not continue a paragraph: it opens another block, or underlines a heading.
_BLOCK_START = re.compile(r"(#{1,6}(\s|$)|>|[-+*](\s|$)|\d{1,9}[.)](\s|$)|=+\s*$|-+\s*$|`{3,}|~{3,}|\||<|\s)")
_START_NAMES = {"#": "a heading", ">": "a quote", "-": "a list item", "+": "a list item", "*": "a list item",
                "`": "a code block", "~": "a code block", "|": "a table row", "<": "raw HTML", "=": "a heading"}
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_BREAK_SPLIT = re.compile(r"(\\\n| {2,}\n)")


class MarkdownShapeError(ValueError):
    """The page uses Markdown that cannot be cut into blocks safely."""


@dataclass(frozen=True)
class Block:
    """One translatable block of a page."""

    kind: tuple[str, ...]  # containers and block type, e.g. ("bullet_list", "paragraph") or ("heading", "h2")
    text: str  # the inline Markdown, soft line breaks joined with spaces
    start: tuple[int, int]  # (line, column) of the first character, 0-based
    end: tuple[int, int]  # (line, column) just after the last character
    cont: str  # the prefix of continuation lines ("  " in a list item, "> " in a quote)
    wrap: bool  # paragraphs wrap; headings and table cells stay on one line
    section: str  # slug of the heading that opens the block's section
    heading: bool = False
    cell: bool = False


def split_blocks(markdown: str) -> list[Block]:
    """Cut a page body (or a transcript) into its translatable blocks, in order."""
    lines = markdown.split("\n")
    blocks: list[Block] = []
    stack: list[str] = []
    heading: str | None = None
    cell: str | None = None
    row: list[tuple[int, int]] = []
    row_line = 0
    cell_index = 0
    sections = _Sections()
    for token in _MD.parse(markdown):
        kind = token.type
        if kind.endswith("_open") and kind[:-5] in _CONTAINERS:
            stack.append(kind[:-5])
        elif kind.endswith("_close") and kind[:-6] in _CONTAINERS:
            stack.pop()
        elif kind == "heading_open":
            heading = token.tag
        elif kind == "heading_close":
            heading = None
        elif kind == "tr_open":
            row_line = (token.map or [0])[0]
            row = _cells(lines[row_line])
            cell_index = 0
        elif kind in ("th_open", "td_open"):
            cell = kind[:2]
        elif kind in ("th_close", "td_close"):
            cell = None
            cell_index += 1
        elif kind == "inline" and token.content.strip(_WS):
            if cell:
                blocks.append(_cell_block(lines, row_line, row, cell_index, token.content, cell, sections.current))
            elif heading:
                section = sections.open(text_of(parse_markdown(token.content)))
                blocks.extend(_line_blocks(lines, token, (*stack, "heading", heading), section, heading=True))
            else:
                blocks.extend(_line_blocks(lines, token, (*stack, "paragraph"), sections.current))
    return blocks


def block_ids(blocks: list[Block]) -> list[str]:
    """Stable ids: ``<section>.h`` for a heading, ``<section>.<n>`` for the n-th other block of the section.

    A section is named after its heading (``intro`` before the first one), so adding, removing or editing a block
    renumbers only the blocks after it in the same section; every other block of the course keeps its id.
    """
    ids = []
    counters: Counter[str] = Counter()
    for block in blocks:
        if block.heading:
            ids.append(f"{block.section}.h")
        else:
            counters[block.section] += 1
            ids.append(f"{block.section}.{counters[block.section]}")
    return ids


def assemble(markdown: str, blocks: list[Block], values: dict[int, str], *, width: int = WIDTH) -> str:
    """Return ``markdown`` with the blocks at the given indexes replaced by new text (nothing else changes)."""
    lines = markdown.split("\n")
    for index in sorted(values, key=lambda i: blocks[i].start, reverse=True):
        block = blocks[index]
        (first, start), (last, stop) = block.start, block.end
        head, tail = lines[first][:start], lines[last][stop:]
        new = format_block(values[index], block, len(head), width).split("\n")
        new[0] = head + new[0]
        new[-1] = new[-1] + tail
        lines[first:last + 1] = new
    return "\n".join(lines)


def format_block(value: str, block: Block, indent: int, width: int) -> str:
    """Lay a block's new text out as the source does: wrapped paragraphs, one-line headings and cells."""
    if not block.wrap:
        flat = " ".join(_words(value))
        return re.sub(r"(?<!\\)\|", r"\\|", flat) if block.cell else flat
    pieces = _BREAK_SPLIT.split(value)
    out: list[str] = []
    line_start = indent
    for index in range(0, len(pieces), 2):
        words = _words(pieces[index])
        marker = pieces[index + 1] if index + 1 < len(pieces) else ""
        out.append(_wrap(words, line_start, len(block.cont), width, block.cont) + marker)
        line_start = len(block.cont)
        if marker:
            out.append(block.cont)
    return "".join(out)


def _words(text: str) -> list[str]:
    """Split at ASCII spaces only (no-break spaces belong to the words), keeping each image in one piece."""
    protected = _IMAGE.sub(lambda m: m[0].replace(" ", "\0"), text)
    return [word.replace("\0", " ") for word in re.split(r"[ \t\r\n]+", protected) if word]


def _wrap(words: list[str], first_indent: int, indent: int, width: int, prefix: str) -> str:
    lines: list[list[str]] = [[]]
    used = first_indent
    for word in words:
        current = lines[-1]
        fits = used + (1 if current else 0) + len(word) <= width
        safe = not _BLOCK_START.match(word) and not (current and current[-1].endswith("\\"))
        if not current or fits or not safe:
            used += (1 if current else 0) + len(word)
            current.append(word)
        else:
            lines.append([word])
            used = indent + len(word)
    return ("\n" + prefix).join(" ".join(line) for line in lines)


def block_problem(value: str, block: Block) -> str | None:
    """Say why ``value`` cannot stand in ``block`` (it would open another kind of block), or None."""
    text = value.strip()
    if not text:
        return "the translation is empty"
    if block.heading or block.cell:
        return None
    match = _BLOCK_START.match(text)
    if match and not text[0].isspace():
        what = "a numbered list item" if text[0].isdigit() else _START_NAMES.get(text[0], "another block")
        return f"it starts with '{match[0].strip() or text[0]}', which Markdown reads as {what}"
    if MEDIA_LINE.match(text):
        return "a media placeholder must stay on a line of its own"
    return None


def inline_shape(text: str) -> dict[str, Counter[str]]:
    """What markdown-it finds in a block: links, images, emphasis, code and raw HTML (to compare translations)."""
    shape: dict[str, Counter[str]] = {"link": Counter(), "image": Counter(), "format": Counter(),
                                      "code": Counter(), "html": Counter()}
    for token in _MD_HTML.parseInline(text):
        for child in token.children or []:
            if child.type == "link_open":
                shape["link"][str(child.attrs.get("href", ""))] += 1
            elif child.type == "image":
                shape["image"][str(child.attrs.get("src", ""))] += 1
            elif child.type in ("strong_open", "em_open"):
                shape["format"][child.markup] += 1
            elif child.type == "code_inline":
                shape["code"][child.content] += 1
            elif child.type == "html_inline":
                shape["html"][child.content] += 1
    return shape


class _Sections:
    def __init__(self) -> None:
        self.current = "intro"
        self.used = {"intro"}

    def open(self, title: str) -> str:
        slug = re.sub(r"[^\w]+", "-", title.lower()).strip("-_") or "section"
        candidate, number = slug, 1
        while candidate in self.used:
            number += 1
            candidate = f"{slug}-{number}"
        self.used.add(candidate)
        self.current = candidate
        return candidate


def _line_blocks(lines: list[str], token: object, kind: tuple[str, ...], section: str, *,
                 heading: bool = False) -> list[Block]:
    """The blocks of one inline token: usually one, more when {{media}} lines sit inside a paragraph."""
    first = token.map[0]  # type: ignore[attr-defined]
    content_lines = token.content.split("\n")  # type: ignore[attr-defined]
    placed = []
    for offset, content in enumerate(content_lines):
        number = first + offset
        raw = lines[number]
        body = content.strip(_WS)
        if not body:
            continue
        column = _column(raw, content)
        if column is None:
            raise MarkdownShapeError(f"line {number + 1}: cannot find the text '{body[:40]}' in its line")
        placed.append((number, column, content))
    runs: list[list[tuple[int, int, str]]] = [[]]
    for item in placed:
        if MEDIA_LINE.match(item[2].strip(_WS)):
            runs.append([])
        else:
            runs[-1].append(item)
    blocks = []
    for run in (r for r in runs if r):
        text = "".join(_joined(content, last=index == len(run) - 1) for index, (_, _, content) in enumerate(run))
        (first_line, first_col, _), (last_line, last_col, last_content) = run[0], run[-1]
        cont = lines[run[1][0]][:run[1][1]] if len(run) > 1 else re.sub(r"[^>]", " ",
                                                                        lines[first_line][:first_col])
        blocks.append(Block(kind, text, (first_line, first_col), (last_line, last_col + len(last_content.strip(_WS))),
                            cont, not heading, section, heading=heading))
    return blocks


def _column(raw: str, content: str) -> int | None:
    """The column where the text of ``content`` (one line of a token) starts inside its raw line."""
    body = content.strip(_WS)
    if raw.rstrip(_WS).endswith(body):
        return len(raw.rstrip(_WS)) - len(body)
    position = raw.find(body)  # a heading with a closing sequence: "## Title ##"
    return position if position >= 0 else None


def _joined(content: str, *, last: bool) -> str:
    text = content.lstrip(_WS)
    if last:
        return text.strip(_WS)
    if text.endswith("\\"):
        return text + "\n"
    if len(text) - len(text.rstrip(" ")) >= 2:
        return text.rstrip(" ") + "  \n"
    return text.rstrip(_WS) + " "


def _cells(raw: str) -> list[tuple[int, int]]:
    """The (start, end) columns of each cell's text in a table row, without the surrounding spaces."""
    pipes = [m.start() for m in re.finditer(r"(?<!\\)\|", raw)]
    bounds = [-1, *pipes, len(raw)]
    cells = []
    for left, right in zip(bounds, bounds[1:], strict=False):
        segment = raw[left + 1:right]
        start = left + 1 + (len(segment) - len(segment.lstrip(_WS)))
        cells.append((start, start + len(segment.strip(_WS))))
    if raw.lstrip(_WS).startswith("|"):
        cells = cells[1:]
    if raw.rstrip(_WS).endswith("|") and not raw.rstrip(_WS).endswith("\\|"):
        cells = cells[:-1]
    return cells


def _cell_block(lines: list[str], row_line: int, row: list[tuple[int, int]], index: int, content: str, cell: str,
                section: str) -> Block:
    if index >= len(row):
        raise MarkdownShapeError(f"line {row_line + 1}: the table row has fewer cells than its header")
    start, end = row[index]
    text = lines[row_line][start:end]
    if text.replace("\\|", "|") != content:
        raise MarkdownShapeError(f"line {row_line + 1}: cannot find the text of cell {index + 1} in its row")
    return Block(("table", cell), text, (row_line, start), (row_line, end), "", False, section, cell=True)
