"""Turn the course, in one language, into the data the player shows (``window.QR_DATA``) and its media files.

Rendering happens once per language and is shared by every package format; a module-scoped package takes
only its module's part, so a change to one page touches only the packages that contain that page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from .errors import BuildError
from .iris import module_iri
from .source.checks import image_problem, link_problem
from .source.languages import Language, language
from .source.markdown import render_page
from .source.model import Course, MediaItem, Module

DATA_SCHEMA = 1
MEDIA_DIR = "media"


@dataclass
class RenderedModule:
    """One module's player data and the media files its pages use (package path -> source file)."""

    data: dict[str, Any]
    media: dict[str, Path] = field(default_factory=dict)


@dataclass
class RenderedCourse:
    """The course in one language, ready for any package."""

    lang: Language
    header: dict[str, Any]  # everything in QR_DATA except the modules
    modules: dict[str, RenderedModule]  # by module id, in course order

    def data(self, module_id: str | None = None) -> dict[str, Any]:
        """QR_DATA for the whole course, or for one module only."""
        ids = [module_id] if module_id else list(self.modules)
        return {**self.header, "modules": [self.modules[i].data for i in ids]}

    def media(self, module_id: str | None = None) -> dict[str, Path]:
        """The media files of the whole course, or of one module."""
        ids = [module_id] if module_id else list(self.modules)
        files: dict[str, Path] = {}
        for i in ids:
            files.update(self.modules[i].media)
        return dict(sorted(files.items()))

    def data_js(self, module_id: str | None = None) -> bytes:
        """The ``data.js`` file that hands the course to the player."""
        text = json.dumps(self.data(module_id), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return f"window.QR_DATA={text};\n".encode()


def render_course(course: Course, code: str, *, light: bool = False) -> RenderedCourse:
    """Render every module of ``course`` in language ``code``; ``light`` swaps video for still and transcript."""
    if code not in course.available:
        raise BuildError(f"language '{code}' has no translation yet; it cannot be built")
    lang = language(code)
    text = course.texts[code]
    header = {
        "schema": DATA_SCHEMA,
        "course": {
            "id": course.id,
            "version": course.version,
            "iri": course.iri_base,
            "title": text.title,
            "description": text.description,
            "certificateTitle": text.certificate_title,
            "passRule": course.pass_rule,
        },
        "lang": {"code": code, "dir": lang.direction, "name": lang.name, "script": lang.script},
        "ui": course.ui.get(code, {}),
    }
    modules = {m.id: _render_module(course, m, lang, light) for m in course.modules}
    return RenderedCourse(lang, header, modules)


def _render_module(course: Course, module: Module, lang: Language, light: bool) -> RenderedModule:
    code = lang.code
    text = module.texts[code]
    rendered = RenderedModule(data={})
    media_renderer = _MediaRenderer(course, lang, light, rendered.media)
    pages = []
    for page in module.pages:
        page_text = page.texts[code]

        def resolve_link(target: str, _module: Module = module) -> str | None:
            if link_problem(course, _module, target):
                return None
            module_id, _, page_id = target[len("page:"):].rpartition("/")
            return f"#/{module_id or _module.id}/{page_id}"

        def resolve_image(src: str, _path: Path = page_text.path) -> str | None:
            if image_problem(course, _path, src):
                return None
            return media_renderer.include((_path.parent / src).resolve())

        html = render_page(page_text.markdown, resolve_link=resolve_link, resolve_image=resolve_image,
                           render_media=media_renderer.render)
        pages.append({"id": page.id, "title": page_text.title, "html": html})
    quiz = None
    if module.questions:
        quiz = {"questions": [
            {
                "id": q.id,
                "type": q.type,
                "prompt": text.questions[q.id].prompt,
                "choices": [{"id": c, "text": text.questions[q.id].choices[c]} for c in q.choices],
                "correct": list(q.correct),
                "feedback": {
                    "correct": text.questions[q.id].feedback_correct,
                    "incorrect": text.questions[q.id].feedback_incorrect,
                },
            }
            for q in module.questions
        ]}
    survey = None
    if module.survey_id:
        definition = course.surveys[module.survey_id]
        survey = {
            "id": definition.id,
            "phase": module.phase,
            "scale": list(definition.scale),
            "items": [{"id": i.id, "theme": i.theme, "direction": i.direction, "text": definition.texts[code][i.id]}
                      for i in definition.items],
        }
    rendered.data = {
        "id": module.id,
        "iri": module_iri(course.iri_base, module.id),
        "kind": module.kind,
        "title": text.title,
        "description": text.description,
        "minutes": module.minutes,
        "masteryScore": module.mastery_score / 100,
        "maxAttempts": module.max_attempts,
        "objectives": [{"id": o, "text": text.objectives[o]} for o in module.objectives],
        "pages": pages,
        "quiz": quiz,
        "survey": survey,
    }
    return rendered


class _MediaRenderer:
    """Renders ``{{video}}``/``{{audio}}`` placeholders and collects the files a page needs."""

    def __init__(self, course: Course, lang: Language, light: bool, files: dict[str, Path]):
        self.course, self.lang, self.light, self.files = course, lang, light, files
        self.ui = course.ui.get(lang.code, {})
        self.media_root = (course.root / MEDIA_DIR).resolve()

    def include(self, source: Path) -> str:
        """Add a file below media/ to the package and return its path inside the package."""
        relative = source.resolve().relative_to(self.media_root).as_posix()
        package_path = f"{MEDIA_DIR}/{relative}"
        self.files[package_path] = source
        return package_path

    def _file(self, relative: str | None) -> str | None:
        if relative in self.course.media_texts:
            self.files[f"{MEDIA_DIR}/{relative}"] = self.course.media_texts[relative].encode()  # type: ignore[assignment]
            return f"{MEDIA_DIR}/{relative}"
        return self.include(self.media_root / relative) if relative else None

    def render(self, kind: str, media_id: str) -> str:
        item = self.course.media[media_id]
        code = self.lang.code
        transcript = self._transcript(item)
        summary = escape(self.ui.get("media_transcript", "Transcript"))
        details = f'<details class="qr-transcript"{" open" if self.light and kind == "video" else ""}>' \
                  f"<summary>{summary}</summary>{transcript}</details>"
        if kind == "video" and self.light:
            poster = self._file(item.poster)
            alt = escape(self.ui.get("media_still", "Still image from the video"))
            return f'<figure class="qr-media qr-video-still"><img src="{poster}" alt="{alt}">{details}</figure>'
        src = self._file(item.src)
        tracks = []
        label = escape(self.lang.name)
        if item.kind == "video" and item.captions:
            tracks.append(f'<track kind="captions" src="{self._file(item.path_for(item.captions, code))}" '
                          f'srclang="{code}" label="{label}" default>')
        if item.kind == "video" and item.descriptions:
            described = escape(self.ui.get("media_descriptions", "Audio description"))
            tracks.append(f'<track kind="descriptions" src="{self._file(item.path_for(item.descriptions, code))}" '
                          f'srclang="{code}" label="{label}: {described}">')
        poster = f' poster="{self._file(item.poster)}"' if item.poster else ""
        mime = _MIME.get(Path(item.src).suffix.lower(), "application/octet-stream")
        return (f'<figure class="qr-media qr-{kind}"><{kind} controls preload="none"{poster}>'
                f'<source src="{src}" type="{mime}">{"".join(tracks)}</{kind}>{details}</figure>')

    def _transcript(self, item: MediaItem) -> str:
        relative = item.path_for(item.transcript, self.lang.code)
        if not relative:
            return ""
        path = self.media_root / relative
        markdown = self.course.media_texts.get(relative) or path.read_text(encoding="utf-8")
        if markdown.startswith("---\n") and "\n---" in markdown[3:]:
            markdown = markdown[markdown.index("\n---", 3) + 4:]
        return render_page(markdown, resolve_link=lambda _: None, resolve_image=lambda _: None,
                           render_media=lambda _k, _i: "")


_MIME = {".webm": "video/webm", ".mp4": "video/mp4", ".ogg": "audio/ogg", ".oga": "audio/ogg",
         ".opus": "audio/ogg", ".mp3": "audio/mpeg", ".m4a": "audio/mp4"}
