"""Split a unit's text into what a translator translates and the codes that must survive untouched.

A unit's text is kept exactly as it is written in the course source (Markdown inline syntax, ``{placeholders}``,
caption line breaks). This module finds the codes in it: XLIFF 2.0 paired codes (``<pc>``) for emphasis, links,
images and language spans, whose inner text is translated, and placeholders (``<ph>``) for code spans, autolinks,
escapes, line breaks and ``{placeholders}``. Parsing is lossless: :func:`flatten` gives back the exact text.

A language span, ``[CHIME]{lang=en}``, is a paired code whose end holds the attributes (``]{lang=en}``): the
translator cannot break the syntax or change the code, and translates the words inside when the language needs
it. The code is optional like emphasis, because which passages are in another language depends on the target
language: an English term kept in an Arabic sentence gets a span that the English source does not have.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attributes

# XLIFF 2.0 inline code types (section 4.3.1.29 "type") and the Common sub-types (4.3.1.30 "subType").
FMT, LINK, IMAGE, UI, OTHER = "fmt", "link", "image", "ui", "other"


@dataclass(frozen=True)
class Ph:
    """A standalone code: copied into the translation as it is."""

    data: str
    type: str = OTHER
    sub_type: str | None = None
    required: bool = True  # False: the translator may leave it out (a caption line break)


@dataclass(frozen=True)
class Pc:
    """A paired code around translatable text: ``start`` + children + ``end``."""

    start: str
    end: str
    children: tuple[str | Ph | Pc, ...] = field(default_factory=tuple)
    type: str = FMT
    sub_type: str | None = None
    required: bool = True  # False for emphasis: a translation may place or drop it as the language needs


Node = str | Ph | Pc

_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+)>")
_PLACEHOLDER = re.compile(r"\{[a-zA-Z_][a-zA-Z0-9_]*\}")
_CAPTION_TAG = re.compile(r"</?[a-z][^<>]*>")
_HARD_BREAK = re.compile(r" {2,}\n")


def flatten(nodes: tuple[Node, ...] | list[Node]) -> str:
    """Return the text the nodes stand for (the inverse of every ``parse_*`` function)."""
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, Ph):
            out.append(node.data)
        else:
            out.append(node.start + flatten(node.children) + node.end)
    return "".join(out)


def codes(nodes: tuple[Node, ...] | list[Node]) -> list[Ph | Pc]:
    """List every code in document order (a paired code before the codes inside it)."""
    found: list[Ph | Pc] = []
    for node in nodes:
        if isinstance(node, Ph):
            found.append(node)
        elif isinstance(node, Pc):
            found.append(node)
            found.extend(codes(node.children))
    return found


def code_signature(nodes: tuple[Node, ...] | list[Node]) -> Counter[tuple[str, str]]:
    """The required codes as a multiset of (start, end) data: equal signatures mean the same markup."""
    return Counter((c.data, "") if isinstance(c, Ph) else (c.start, c.end) for c in codes(nodes) if c.required)


def text_of(nodes: tuple[Node, ...] | list[Node]) -> str:
    """The translatable words only (codes left out), for counting and pseudo-localisation."""
    return "".join(n if isinstance(n, str) else text_of(n.children) if isinstance(n, Pc) else "" for n in nodes)


def parse_plain(text: str) -> list[Node]:
    """Plain text (titles, prompts, choices, feedback): no codes."""
    return [text] if text else []


def parse_placeholders(text: str) -> list[Node]:
    """An interface string: ``{name}`` placeholders are codes the player fills in."""
    nodes: list[Node] = []
    last = 0
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > last:
            nodes.append(text[last:match.start()])
        nodes.append(Ph(match[0], UI, "xlf:var"))
        last = match.end()
    if last < len(text):
        nodes.append(text[last:])
    return nodes


def parse_caption(text: str) -> list[Node]:
    """The text of a WebVTT cue: line breaks (optional in a translation) and cue tags such as ``<v Name>``."""
    nodes: list[Node] = []
    last = 0
    for match in re.finditer(r"\n|" + _CAPTION_TAG.pattern, text):
        if match.start() > last:
            nodes.append(text[last:match.start()])
        if match[0] == "\n":
            nodes.append(Ph("\n", FMT, "xlf:lb", required=False))
        else:
            nodes.append(Ph(match[0], FMT))
        last = match.end()
    if last < len(text):
        nodes.append(text[last:])
    return nodes


def parse_markdown(text: str) -> list[Node]:
    """Markdown inline content (one block, soft line breaks already joined with spaces)."""
    return _Parser(text).parse(0, len(text))


class _Parser:
    """A small scanner for the inline Markdown a course page uses. The result is checked by markdown-it later."""

    def __init__(self, text: str):
        self.text = text

    def parse(self, start: int, stop: int) -> list[Node]:
        nodes: list[Node] = []
        buffer: list[str] = []
        i = start
        text = self.text

        def push(node: Node) -> None:
            if buffer:
                nodes.append("".join(buffer))
                buffer.clear()
            nodes.append(node)

        while i < stop:
            char = text[i]
            found = self._code_at(i, stop)
            if found is not None:
                node, i = found
                push(node)
                continue
            buffer.append(char)
            i += 1
        if buffer:
            nodes.append("".join(buffer))
        return nodes

    def _code_at(self, i: int, stop: int) -> tuple[Node, int] | None:
        text = self.text
        char = text[i]
        if char == "\\" and i + 1 < stop and (text[i + 1] in _PUNCT or text[i + 1] == "\n"):
            return Ph(text[i:i + 2], FMT, "xlf:lb" if text[i + 1] == "\n" else None), i + 2
        if char == " ":
            match = _HARD_BREAK.match(text, i, stop)
            return (Ph(match[0], FMT, "xlf:lb"), match.end()) if match else None
        if char == "`":
            run = len(text[i:stop]) - len(text[i:stop].lstrip("`"))
            close = re.compile(r"(?<!`)" + "`" * run + r"(?!`)").search(text, i + run, stop)
            return (Ph(text[i:close.end()], OTHER), close.end()) if close else None
        if char == "<":
            match = _AUTOLINK.match(text, i, stop)
            return (Ph(match[0], LINK), match.end()) if match else None
        if char == "!" and text.startswith("![", i):
            return self._link(i + 1, stop, "![", IMAGE)
        if char == "[":
            return self._link(i, stop, "[", LINK)
        if char in "*_":
            return self._emphasis(i, stop)
        return None

    def _link(self, i: int, stop: int, opener: str, kind: str) -> tuple[Node, int] | None:
        close = self._matching(i, stop, "[", "]")
        text = self.text
        if close is not None and opener == "[" and close + 1 < stop and text[close + 1] == "{":
            return self._span(i, close, stop)
        if close is None or close + 1 >= stop or text[close + 1] != "(":
            return None
        end = self._matching(close + 1, stop, "(", ")")
        if end is None:
            return None
        children = tuple(self.parse(i + 1, close))
        return Pc(opener, text[close:end + 1], children, kind), end + 1

    def _span(self, i: int, close: int, stop: int) -> tuple[Node, int] | None:
        """A language span ``[words]{lang=xx}``: the attribute block as markdown-it's span rule reads it."""
        try:
            end, _ = parse_attributes(self.text[close + 1:stop])
        except ParseError:
            return None
        end += close + 2  # just after the closing brace
        return Pc("[", self.text[close:end], tuple(self.parse(i + 1, close)), FMT, None, False), end

    def _matching(self, i: int, stop: int, open_char: str, close_char: str) -> int | None:
        depth = 0
        j = i
        text = self.text
        while j < stop:
            if text[j] == "\\":
                j += 2
                continue
            if text[j] == "`" and open_char == "[":
                found = self._code_at(j, stop)
                if found is not None:
                    j = found[1]
                    continue
            if text[j] == open_char:
                depth += 1
            elif text[j] == close_char:
                depth -= 1
                if depth == 0:
                    return j
            j += 1
        return None

    def _emphasis(self, i: int, stop: int) -> tuple[Node, int] | None:
        text = self.text
        char = text[i]
        width = 2 if text.startswith(char * 2, i) else 1
        delimiter = char * width
        after = i + width
        if after >= stop or text[after].isspace() or text[after] == char:
            return None
        if char == "_" and i > 0 and text[i - 1].isalnum():
            return None
        j = after
        while j < stop:
            if text[j] == "\\":
                j += 2
                continue
            if text[j] == "`":
                found = self._code_at(j, stop)
                if found is not None:
                    j = found[1]
                    continue
            if text[j] == "[":
                found = self._code_at(j, stop)
                if found is not None:
                    j = found[1]
                    continue
            if (text.startswith(delimiter, j) and not text[j - 1].isspace()
                    and (width == 2 or not text.startswith(char * 2, j))
                    and not (char == "_" and j + width < stop and text[j + width].isalnum())):
                sub_type = "xlf:b" if width == 2 else "xlf:i"
                return Pc(delimiter, delimiter, tuple(self.parse(after, j)), FMT, sub_type, False), j + width
            if width == 1 and text.startswith(char * 2, j):
                j += 2
                continue
            j += 1
        return None
