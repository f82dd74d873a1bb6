"""Pseudo-locales for testing layouts before translators deliver: made in memory, never written to course_src/.

``en-XA`` (accented): every letter accented, text about 35% longer, each text bracketed, so that clipped,
untranslated or concatenated strings show at a glance: "Hello world" becomes "[Ĥéļļö ŵöŕļð ~~~~]".
``ar-XB`` (mirrored): the same text, each run of words wrapped in RIGHT-TO-LEFT OVERRIDE … POP DIRECTIONAL
FORMATTING (Unicode Bidirectional Algorithm, UAX #9, section 2.2), so Latin letters run right to left in a
right-to-left page, as Arabic will.

Only words change: placeholders, Markdown syntax, link targets, image paths and ids stay exactly as they are.
"""

from __future__ import annotations

from dataclasses import replace

from ..source.languages import PSEUDO_LANGUAGES
from ..source.model import Course, CourseText, Module, ModuleText, Page, PageText, QuestionText
from .inline import Node, Pc, flatten, text_of
from .mdblocks import assemble, split_blocks
from .units import CAPTION, MARKDOWN, PLAIN, UI
from .vtt import read_cues, replace_cues
from .xliff import parse_unit_text

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "àƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ"
_ACCENT = str.maketrans(_PLAIN, _ACCENTED)
RLO, PDF = "\u202e", "\u202c"
GROWTH = 0.35


def pseudo_text(text: str, kind: str, code: str) -> str:
    """The pseudo-locale form of one unit's text (``kind`` says which codes it holds)."""
    nodes = parse_unit_text(kind, text)
    mirrored = code == "ar-XB"
    words = "".join(ch for ch in text_of(nodes) if ch.isalnum())
    padding = "~" * max(1, round(len(words) * GROWTH))
    pad = " ".join(padding[i:i + 8] for i in range(0, len(padding), 8))
    opening, closing = ("\\[", "\\]") if kind == MARKDOWN else ("[", "]")
    body = flatten(_transform(nodes, mirrored))
    return f"{opening}{body} {_wrap(pad, mirrored)}{closing}"


def _transform(nodes: list[Node] | tuple[Node, ...], mirrored: bool) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(_wrap(node.translate(_ACCENT), mirrored))
        elif isinstance(node, Pc):
            out.append(replace(node, children=tuple(_transform(node.children, mirrored))))
        else:
            out.append(node)
    return out


def _wrap(text: str, mirrored: bool) -> str:
    if not mirrored or not text.strip():
        return text
    inner = text.strip(" ")
    lead, trail = text[:len(text) - len(text.lstrip(" "))], text[len(text.rstrip(" ")):]
    return f"{lead}{RLO}{inner}{PDF}{trail}"


def pseudo_markdown(markdown: str, code: str) -> str:
    """A whole page body or transcript in a pseudo-locale, keeping its block structure."""
    blocks = split_blocks(markdown)
    values = {i: pseudo_text(block.text, MARKDOWN, code) for i, block in enumerate(blocks)}
    for width in (None, 10**9):
        result = assemble(markdown, blocks, values) if width is None else assemble(markdown, blocks, values,
                                                                                   width=width)
        if [b.kind for b in split_blocks(result)] == [b.kind for b in blocks]:
            return result
    raise ValueError("the pseudo-locale changed the structure of a page")


def add_pseudo_languages(course: Course, codes: list[str]) -> Course:
    """Return ``course`` with the pseudo-locales ``codes`` made from the source language and made available."""
    src = course.source_language
    for code in codes:
        if code not in PSEUDO_LANGUAGES:
            raise ValueError(f"'{code}' is not a pseudo-locale")

        def plain(text: str, _code: str = code) -> str:
            return pseudo_text(text, PLAIN, _code)

        source_text = course.texts[src]
        course = replace(
            course,
            languages=(*course.languages, code),
            available=(*course.available, code),
            texts={**course.texts, code: CourseText(plain(source_text.title), plain(source_text.description),
                                                    plain(source_text.certificate_title))},
            ui={**course.ui, code: {k: pseudo_text(v, UI, code) for k, v in course.ui.get(src, {}).items()}},
            surveys={sid: replace(s, texts={**s.texts, code: {i: plain(t) for i, t in s.texts[src].items()}})
                     for sid, s in course.surveys.items()},
            modules=tuple(_module(m, src, code) for m in course.modules),
            media_texts={**course.media_texts, **_media(course, src, code)},
        )
    return course


def _module(module: Module, src: str, code: str) -> Module:
    text = module.texts[src]

    def plain(value: str) -> str:
        return pseudo_text(value, PLAIN, code)

    questions = {qid: QuestionText(plain(q.prompt), {c: plain(t) for c, t in q.choices.items()},
                                   plain(q.feedback_correct), plain(q.feedback_incorrect))
                 for qid, q in text.questions.items()}
    pages = []
    for page in module.pages:
        source = page.texts[src]
        pages.append(Page(page.id, {**page.texts, code: PageText(source.path, plain(source.title),
                                                                 pseudo_markdown(source.markdown, code),
                                                                 source.body_line)}))
    return replace(module, pages=tuple(pages), texts={
        **module.texts, code: ModuleText(plain(text.title), plain(text.description),
                                         {o: plain(t) for o, t in text.objectives.items()}, questions)})


def _media(course: Course, src: str, code: str) -> dict[str, str]:
    """Captions, audio descriptions and transcripts in the pseudo-locale, by path relative to media/."""
    files = {}
    media = course.root / "media"
    for item in course.media.values():
        for pattern in (item.captions, item.descriptions):
            if item.kind == "video" and pattern:
                text = (media / item.path_for(pattern, src)).read_text(encoding="utf-8")  # type: ignore[operator]
                cues = read_cues(text)
                files[item.path_for(pattern, code)] = replace_cues(  # type: ignore[index]
                    text, cues, {i: pseudo_text(c.text, CAPTION, code) for i, c in enumerate(cues)})
        if item.transcript:
            text = (media / item.path_for(item.transcript, src)).read_text(encoding="utf-8")  # type: ignore[operator]
            files[item.path_for(item.transcript, code)] = pseudo_markdown(text, code)  # type: ignore[index]
    return files
