"""Result and Score (Data §2.4.5)."""

from __future__ import annotations

import typing as t

from .base import XapiSchema
from .common import Boolean, Duration, Extensions, Nested, Number, String
from .errors import StatementInvalid

__all__ = ["ResultSchema", "ScoreSchema"]


def _score_order(score: dict[str, t.Any], path: str) -> None:
    """Data §2.4.5.1.s2: min < max, and min <= raw <= max where given."""
    low, high, raw = score.get("min"), score.get("max"), score.get("raw")
    if low is not None and high is not None and not low < high:
        raise StatementInvalid(f"{path}.max", "must be greater than min")
    if raw is not None:
        if low is not None and raw < low:
            raise StatementInvalid(f"{path}.raw", "must not be less than min")
        if high is not None and raw > high:
            raise StatementInvalid(f"{path}.raw", "must not be greater than max")


class ScoreSchema(XapiSchema):
    """The outcome of a graded Activity (Data §2.4.5.1)."""

    scaled = Number(minimum=-1, maximum=1)
    raw = Number()
    min = Number()
    max = Number()

    rules = (_score_order,)


class ResultSchema(XapiSchema):
    """A measured outcome (Data §2.4.5)."""

    score = Nested(ScoreSchema)
    success = Boolean()
    completion = Boolean()
    response = String()
    duration = Duration()
    extensions = Extensions()
