"""marshmallow schemas for each kind of YAML file in course_src/, and a way to locate their errors.

Each schema checks one file on its own (keys, types, ranges). Whole-course rules (ids that must exist in
another file, complete translations) live in :mod:`qrscorm.source.checks`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

ID = validate.Regexp(r"^[a-z0-9][a-z0-9-]*$", error="'{input}' is not a valid id (use a-z, 0-9 and -)")
CHOICE_ID = validate.Regexp(r"^[a-z0-9]$", error="choice id '{input}' must be one character, a-z or 0-9")
SEMVER = validate.Regexp(r"^\d+\.\d+\.\d+$", error="'{input}' is not a version like 1.2.0")
IRI = validate.Regexp(r"^https?://[^\s/]+(/[^\s?#]*)?$", error="'{input}' is not an http(s) IRI")
_TEXT = {"required": "missing key", "invalid": "must be text", "null": "must not be empty"}
_INT = {"required": "missing key", "invalid": "must be a whole number", "null": "must not be empty"}


def _text(**kwargs: Any) -> fields.String:
    return fields.String(required=True, error_messages=_TEXT, validate=validate.Length(min=1), **kwargs)


def _id_list(inner: validate.Validator = ID, **kwargs: Any) -> fields.List:
    return fields.List(
        fields.String(validate=inner, error_messages=_TEXT),
        error_messages={"invalid": "must be a list", "required": "missing key"},
        **kwargs,
    )


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class CourseSchema(_Strict):
    """course.yaml."""

    id = fields.String(required=True, validate=ID, error_messages=_TEXT)
    version = fields.String(required=True, validate=SEMVER, error_messages=_TEXT)
    iri_base = fields.String(required=True, validate=IRI, error_messages=_TEXT)
    source_language = _text()
    languages = fields.List(fields.String(error_messages=_TEXT), required=True, validate=validate.Length(min=1))
    modules = fields.List(fields.String(error_messages=_TEXT), required=True, validate=validate.Length(min=1))
    pass_rule = fields.String(
        required=True, validate=validate.OneOf(["all-lessons-passed"]), error_messages=_TEXT
    )


class CourseTextSchema(_Strict):
    """<lang>/course.yaml."""

    title = _text()
    description = _text()
    certificate_title = _text()


class ModuleSchema(_Strict):
    """modules/*/module.yaml."""

    id = fields.String(required=True, validate=ID, error_messages=_TEXT)
    kind = fields.String(required=True, validate=validate.OneOf(["lesson", "survey"]), error_messages=_TEXT)
    minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), error_messages=_INT)
    mastery_score = fields.Integer(
        strict=True,
        validate=validate.Range(0, 100, error="mastery_score {input} is out of range (0 to 100)"),
        error_messages=_INT,
    )
    max_attempts = fields.Integer(strict=True, validate=validate.Range(min=1), error_messages=_INT)
    pages = _id_list(required=True, validate=validate.Length(min=1))
    objectives = _id_list()
    media = _id_list()
    survey = fields.String(validate=ID, error_messages=_TEXT)
    phase = fields.String(validate=validate.OneOf(["pre", "post"]), error_messages=_TEXT)

    @validates_schema
    def _kind_fields(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("kind") == "lesson":
            for key in ("survey", "phase"):
                if key in data:
                    raise ValidationError(f"a lesson has no '{key}'", key)
            if "mastery_score" not in data:
                raise ValidationError("a lesson needs a mastery_score", "mastery_score")
        if data.get("kind") == "survey":
            for key in ("survey", "phase"):
                if key not in data:
                    raise ValidationError(f"a survey module needs '{key}'", key)


class QuestionSchema(_Strict):
    """One question of quiz.yaml."""

    id = fields.String(required=True, validate=ID, error_messages=_TEXT)
    type = fields.String(
        required=True, validate=validate.OneOf(["single", "multiple", "true-false"]), error_messages=_TEXT
    )
    choices = _id_list(CHOICE_ID)
    correct = fields.Raw(required=False)


class QuizSchema(_Strict):
    """modules/*/quiz.yaml."""

    questions = fields.List(fields.Nested(QuestionSchema), required=True, validate=validate.Length(min=1))


class FeedbackSchema(_Strict):
    correct = _text()
    incorrect = _text()


class QuestionTextSchema(_Strict):
    prompt = _text()
    choices = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(min=1)))
    feedback = fields.Nested(FeedbackSchema, required=True, error_messages={"required": "missing key"})


class ModuleTextSchema(_Strict):
    """modules/*/<lang>/text.yaml."""

    title = _text()
    description = _text()
    objectives = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(min=1)))
    questions = fields.Dict(keys=fields.String(), values=fields.Nested(QuestionTextSchema))


class SurveyItemSchema(_Strict):
    id = fields.String(required=True, validate=ID, error_messages=_TEXT)
    theme = fields.String(
        required=True,
        validate=validate.OneOf(["choice-and-consent", "coercion", "recovery-and-hope", "inclusion"]),
        error_messages=_TEXT,
    )
    direction = fields.String(required=True, validate=validate.OneOf(["agree", "disagree"]), error_messages=_TEXT)


class SurveySchema(_Strict):
    """surveys/<id>.yaml."""

    scale = fields.List(fields.Integer(strict=True), required=True, validate=validate.Length(min=2))
    items = fields.List(fields.Nested(SurveyItemSchema), required=True, validate=validate.Length(min=1))


class SurveyTextSchema(_Strict):
    """surveys/<lang>/<id>.yaml."""

    items = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(min=1)), required=True)


class MediaItemSchema(_Strict):
    kind = fields.String(required=True, validate=validate.OneOf(["video", "audio"]), error_messages=_TEXT)
    src = _text()
    poster = fields.String()
    visual_only_information = fields.Boolean(truthy={True}, falsy={False})
    captions = fields.String()
    transcript = fields.String()
    descriptions = fields.String()


class PageFrontMatterSchema(_Strict):
    """The front matter of a page."""

    title = _text()


def schema_errors(schema: Schema, data: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Validate ``data`` and yield (key path, message) for each problem, in a stable order."""
    if not isinstance(data, dict):
        yield (), "must be a mapping of keys to values"
        return
    yield from _flatten(schema.validate(data), ())


def _flatten(errors: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(errors, dict):
        for key in sorted(errors, key=str):
            yield from _flatten(errors[key], path + (key,) if key != "_schema" else path)
    elif isinstance(errors, list):
        for message in errors:
            yield from _flatten(message, path)
    else:
        yield path, _phrase(path, str(errors))


def _phrase(path: tuple[Any, ...], message: str) -> str:
    key = next((str(step) for step in reversed(path) if not isinstance(step, int)), "")
    if message == "Unknown field.":
        return f"unknown key '{key}'"
    if message == "missing key":
        return f"missing key '{key}'"
    if message.startswith(("mastery_score", "'", "choice id", "a ")) or not key:
        return message
    if message.startswith("Must be one of:"):
        return f"'{key}' {message[0].lower()}{message[1:]}"
    return f"'{key}' {message[0].lower()}{message[1:]}" if message[0].isupper() else f"'{key}' {message}"
