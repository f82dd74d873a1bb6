"""The course as data: what the loader reads and every builder consumes. No format is named here.

Structure (ids, order, correct answers, mastery) is held once; texts are held per language code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

LESSON = "lesson"
SURVEY = "survey"
QUESTION_TYPES = ("single", "multiple", "true-false")


@dataclass(frozen=True)
class PageText:
    """One page in one language: its title and Markdown body."""

    path: Path
    title: str
    markdown: str
    body_line: int  # line of the file where the Markdown body starts


@dataclass(frozen=True)
class Page:
    """A page of a module, with its text in each available language."""

    id: str
    texts: dict[str, PageText]


@dataclass(frozen=True)
class Question:
    """A quiz question; ``correct`` holds choice ids, or "true"/"false" for true-false questions."""

    id: str
    type: str
    choices: tuple[str, ...]
    correct: tuple[str, ...]


@dataclass(frozen=True)
class QuestionText:
    """The words of one question in one language."""

    prompt: str
    choices: dict[str, str]
    feedback_correct: str
    feedback_incorrect: str


@dataclass(frozen=True)
class ModuleText:
    """A module's texts in one language."""

    title: str
    description: str
    objectives: dict[str, str]
    questions: dict[str, QuestionText]


@dataclass(frozen=True)
class SurveyItem:
    """One Likert statement; ``direction`` says which end is the rights-based attitude."""

    id: str
    theme: str
    direction: str  # "agree" or "disagree"


@dataclass(frozen=True)
class Survey:
    """An attitude survey shared by the pre-course and post-course survey modules."""

    id: str
    scale: tuple[int, ...]
    items: tuple[SurveyItem, ...]
    texts: dict[str, dict[str, str]]  # language -> item id -> statement


@dataclass(frozen=True)
class Module:
    """A lesson (pages and a scored quiz) or a survey (an intro page and a Likert survey)."""

    id: str
    folder: str
    kind: str
    minutes: int
    mastery_score: int  # percent, 0-100
    max_attempts: int
    pages: tuple[Page, ...]
    objectives: tuple[str, ...]
    questions: tuple[Question, ...]
    survey_id: str | None
    phase: str | None  # "pre" or "post" for survey modules
    media: tuple[str, ...]
    texts: dict[str, ModuleText]

    @property
    def has_quiz(self) -> bool:
        """Whether the module ends with a scored quiz."""
        return bool(self.questions)


@dataclass(frozen=True)
class MediaItem:
    """A video or audio item; per-language paths hold ``{lang}``."""

    id: str
    kind: str  # "video" or "audio"
    src: str
    poster: str | None
    visual_only_information: bool
    captions: str | None
    transcript: str | None
    descriptions: str | None

    def path_for(self, pattern: str | None, lang: str) -> str | None:
        """Return a per-language path from ``pattern`` (relative to the media folder)."""
        return pattern.replace("{lang}", lang) if pattern else None


@dataclass(frozen=True)
class CourseText:
    """The course's own texts in one language."""

    title: str
    description: str
    certificate_title: str


@dataclass(frozen=True)
class Course:
    """The whole course: structure, every available language's texts, UI strings and media."""

    root: Path
    id: str
    version: str
    iri_base: str
    source_language: str
    languages: tuple[str, ...]  # every declared language, in course.yaml order
    available: tuple[str, ...]  # languages with a translation, in declared order
    pass_rule: str
    modules: tuple[Module, ...]
    texts: dict[str, CourseText]
    ui: dict[str, dict[str, str]]
    surveys: dict[str, Survey]
    media: dict[str, MediaItem] = field(default_factory=dict)
    # Media text files made in memory (captions, transcripts of a pseudo-locale), by path relative to media/;
    # used instead of a file on disk with that path.
    media_texts: dict[str, str] = field(default_factory=dict)

    @property
    def missing(self) -> tuple[str, ...]:
        """Declared languages that have no translation yet."""
        return tuple(code for code in self.languages if code not in self.available)

    def module(self, module_id: str) -> Module:
        """Return the module with ``module_id``; raise KeyError when there is none."""
        for module in self.modules:
            if module.id == module_id:
                return module
        raise KeyError(module_id)

    @property
    def lessons(self) -> tuple[Module, ...]:
        """The modules that count toward completion (surveys excluded)."""
        return tuple(m for m in self.modules if m.kind == LESSON)
