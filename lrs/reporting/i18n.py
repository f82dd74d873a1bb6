"""The dashboard's interface languages: messages, direction, names of countries and languages.

Messages live in ``translations/<lang>.json`` (English is the reference: every key is
there; a missing key of another language falls back to English). Country and language
names, numbers and months come from Babel (CLDR), so they are right in every language.
The language of a page: ``?lang=`` (then kept in a cookie), the cookie, the browser's
``Accept-Language``, English.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import typing as t
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime, format_skeleton
from babel.numbers import format_decimal, format_percent
from flask import request

from lrs.reporting.sessions import LANGUAGE_COOKIE

UI_LANGUAGES = ("en", "fr", "es", "ar")
_FOLDER = Path(__file__).with_name("translations")


@functools.lru_cache(maxsize=len(UI_LANGUAGES))
def _messages(lang: str) -> dict[str, str]:
    with (_FOLDER / f"{lang}.json").open(encoding="utf-8") as handle:
        return t.cast("dict[str, str]", json.load(handle))


class _Safe(dict[str, t.Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclasses.dataclass(frozen=True)
class Translator:
    """Messages and formats of one interface language."""

    lang: str

    @property
    def dir(self) -> str:
        """Return the text direction (``rtl`` for Arabic)."""
        return "rtl" if Locale.parse(self.lang).character_order == "right-to-left" else "ltr"

    def __call__(self, key: str, **params: t.Any) -> str:
        """Return message ``key`` with ``{name}`` placeholders filled."""
        text = _messages(self.lang).get(key) or _messages("en").get(key) or key
        return text.format_map(_Safe(params)) if params else text

    def number(self, value: float | int | None, digits: int = 0) -> str:
        """Return a number in this language's format."""
        if value is None:
            return ""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.lang)

    def percent(self, value: float) -> str:
        """Return a share as a percentage."""
        return format_percent(value, format="#,##0.###%", locale=self.lang)

    def month(self, key: str) -> str:
        """Return ``YYYY-MM`` as a month name and year."""
        year, month = (int(part) for part in key.split("-"))
        return format_skeleton("yMMM", dt.date(year, month, 1), locale=self.lang)

    def moment(self, when: dt.datetime) -> str:
        """Return a date and time."""
        return format_datetime(when, format="medium", tzinfo=dt.UTC, locale=self.lang) + " UTC"

    def country(self, code: str) -> str:
        """Return the name of an ISO 3166 country code ("Not known" for none)."""
        if not code:
            return self("unknown")
        return str(Locale.parse(self.lang).territories.get(code.upper(), code))

    def language_name(self, tag: str) -> str:
        """Return the name of a language tag in this language (the tag itself when unknown)."""
        if not tag:
            return self("unknown")
        try:
            return str(Locale.parse(tag.replace("-", "_")).get_display_name(self.lang) or tag)
        except (ValueError, UnknownLocaleError):
            return tag


def native_names() -> list[tuple[str, str]]:
    """Return (code, name in that language) of every interface language."""
    return [(code, _messages(code)["_name"]) for code in UI_LANGUAGES]


def choose_language() -> str:
    """Return the interface language of this request."""
    asked = request.args.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    if asked in UI_LANGUAGES:
        return str(asked)
    best = request.accept_languages.best_match(UI_LANGUAGES)
    return best or "en"
