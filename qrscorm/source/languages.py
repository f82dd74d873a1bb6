"""Language facts from Babel's CLDR data: names, script and writing direction."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

# Pseudo-locales for layout testing before translators deliver (see qrscorm.i18n.pseudo).
# BCP 47 reserves the private-use subtags; these are the conventional ones.
PSEUDO_LANGUAGES = {
    "en-XA": ("Pseudo (accented)", "Latn", "ltr"),
    "ar-XB": ("Pseudo (right-to-left)", "Arab", "rtl"),
}


@dataclass(frozen=True)
class Language:
    """A language the course can be built in."""

    code: str  # BCP 47 tag as written in course.yaml, e.g. "fil"
    name: str  # its own name ("العربية")
    english_name: str
    script: str  # ISO 15924 ("Arab")
    direction: str  # "ltr" or "rtl"

    @property
    def is_rtl(self) -> bool:
        """Whether text in this language runs right to left."""
        return self.direction == "rtl"


class UnknownLanguage(ValueError):
    """The code is not a locale Babel knows."""


@lru_cache(maxsize=None)
def language(code: str) -> Language:
    """Describe the language ``code``; raise UnknownLanguage when Babel has no such locale."""
    if code in PSEUDO_LANGUAGES:
        name, script, direction = PSEUDO_LANGUAGES[code]
        return Language(code, name, name, script, direction)
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as err:
        raise UnknownLanguage(f"unknown language code '{code}'") from err
    if str(locale).replace("_", "-").lower() != code.lower():
        raise UnknownLanguage(f"unknown language code '{code}' (did you mean '{locale}'?)")
    likely = get_global("likely_subtags").get(locale.language, "")
    script = locale.script or (likely.split("_")[1] if likely.count("_") >= 1 else "Latn")
    direction = "rtl" if locale.character_order == "right-to-left" else "ltr"
    return Language(
        code=code,
        name=locale.get_display_name(locale) or code,
        english_name=locale.get_display_name("en") or code,
        script=script,
        direction=direction,
    )
