"""Value types of xAPI Data §4 as marshmallow fields with a cheap ``check``.

Every field here validates one JSON value in ``check(value, path)``, raising
:class:`~lrs.schemas.errors.StatementInvalid` with the JSONPath of the fault.
marshmallow calls ``check`` from ``_deserialize``; the compiled validator in
:mod:`lrs.schemas.base` calls it directly. The regular expressions are compiled
once, when this module is imported, and are anchored so a match is linear.
"""

from __future__ import annotations

import math
import re
import typing as t
from datetime import UTC, datetime, timedelta

from marshmallow import ValidationError, fields

from .errors import StatementInvalid, join_path

__all__ = [
    "IRI",
    "UUID",
    "Array",
    "Boolean",
    "Constant",
    "Duration",
    "Extensions",
    "Integer",
    "LanguageMap",
    "LanguageTag",
    "Mbox",
    "MediaType",
    "Nested",
    "Number",
    "Sha1",
    "Sha2",
    "String",
    "Timestamp",
    "XapiField",
    "is_iri",
    "is_language_tag",
    "parse_timestamp",
]

# --- formats ------------------------------------------------------------------

# RFC 3987 (best effort, Data §2.2.s4.b6): a scheme, then IRI characters only.
# Excluded: controls, space and the characters RFC 3987 never allows unescaped
# (<>"{}|\^`); a "%" must start a percent-encoding.
_IRI_CHARS = r"[^\x00-\x20\x7f-\x9f<>\"{}|\\^`%]"
_IRI = re.compile(  # the loop is unrolled so a long IRI matches in one pass
    rf"[A-Za-z][A-Za-z0-9+.\-]*:(?=[^\x00-\x20])"
    rf"{_IRI_CHARS}*(?:%[0-9A-Fa-f]{{2}}{_IRI_CHARS}*)*\Z"
)

# RFC 5646 §2.1 ABNF: langtag / privateuse / grandfathered (Data §4.2, §2.2.s4.b2).
_LANGTAG = re.compile(
    r"(?:"
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4}|[A-Za-z]{5,8})"  # language
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?"  # private use
    r"|[Xx](?:-[A-Za-z0-9]{1,8})+"  # private use tag
    r"|[Ee][Nn]-[Gg][Bb]-[Oo][Ee][Dd]"  # irregular grandfathered tags
    r"|[Ii]-(?:[Aa][Mm][Ii]|[Bb][Nn][Nn]|[Dd][Ee][Ff][Aa][Uu][Ll][Tt]|[Ee][Nn][Oo][Cc][Hh][Ii][Aa][Nn]"
    r"|[Hh][Aa][Kk]|[Kk][Ll][Ii][Nn][Gg][Oo][Nn]|[Ll][Uu][Xx]|[Mm][Ii][Nn][Gg][Oo]"
    r"|[Nn][Aa][Vv][Aa][Jj][Oo]|[Pp][Ww][Nn]|[Tt][Aa][Oo]|[Tt][Aa][Yy]|[Tt][Ss][Uu])"
    r"|[Ss][Gg][Nn]-(?:[Bb][Ee]-[Ff][Rr]|[Bb][Ee]-[Nn][Ll]|[Cc][Hh]-[Dd][Ee])"
    r")\Z"
)

# Data §4.4: the standard string form 8-4-4-4-12 (either case).
_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\Z")

# Data §2.4.2.3: "mailto:" and an e-mail address (local part, "@", domain).
_MBOX = re.compile(r"mailto:[^@\s<>()\[\]\\,;:\"]+@[^@\s<>()\[\]\\,;:\"]+\Z")

_HEX = re.compile(r"[0-9A-Fa-f]+\Z")
_SHA2_LENGTHS = frozenset({56, 64, 96, 128})  # SHA-224, -256, -384, -512 in hex

# ISO 8601:2004 §4.4.3.2 durations (Data §4.6): PnYnMnDTnHnMnS or PnW; the
# alternative format of §4.4.3.3 does not match.
_NUM = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"P(?:{_NUM}W|(?=\d|T\d)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?"
    rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?)\Z"
)
_DURATION_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")

# ISO 8601 combined date and time, extended format (Data §4.5); the lower-case
# "t" and "z" that RFC 3339 §5.6 allows (xAPI 2.0 names RFC 3339) are accepted too.
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?"
    r"([Zz]|[+-]\d{2}(?::?\d{2})?)?\Z"
)

# RFC 9110 §8.3.1 (RFC 2046 §5.1.1): type "/" subtype, then optional parameters.
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_MEDIA_TYPE = re.compile(
    rf"{_TOKEN}/{_TOKEN}(?:[ \t]*;[ \t]*(?:{_TOKEN}=(?:{_TOKEN}|\"(?:[^\"\\\r\n]|\\.)*\"))?)*[ \t]*\Z"
)


def is_iri(value: object) -> bool:
    """Return whether ``value`` is an absolute IRI string (RFC 3987, best effort)."""
    return type(value) is str and _IRI.match(value) is not None


def is_language_tag(value: object) -> bool:
    """Return whether ``value`` is a well-formed RFC 5646 language tag."""
    return type(value) is str and _LANGTAG.match(value) is not None


_DAY = timedelta(days=1)


def _timestamp_parts(text: str, require_timezone: bool) -> tuple[datetime, int | None]:
    """Return the local date-time and the UTC offset in minutes (``None`` if absent)."""
    match = _TIMESTAMP.match(text)
    if match is None:
        raise ValueError("must be an ISO 8601 timestamp such as 2024-05-01T12:30:00.000Z")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if zone is None:
        if require_timezone:
            raise ValueError("must include a time zone (Z or an offset such as +01:00)")
        offset = None
    elif zone == "Z" or zone == "z" or zone == "+00:00":
        offset = 0
    else:
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours == 0 and minutes == 0 and zone[0] == "-":
            # ISO 8601 forbids -00:00; RFC 3339 gives it the meaning "unknown offset".
            raise ValueError("must not use the offset -00:00 (use Z or +00:00)")
        if hours > 23 or minutes > 59:
            raise ValueError("has an impossible time zone offset")
        offset = (hours * 60 + minutes) * (-1 if zone[0] == "-" else 1)
    try:
        local = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            int(fraction[:6].ljust(6, "0")) if fraction else 0,
        )
    except ValueError:
        raise ValueError("is not a valid date and time") from None
    if offset and not (datetime.min + _DAY <= local <= datetime.max - _DAY):
        raise ValueError("is out of the representable range of years 1 to 9999 in UTC")
    return local, offset


def parse_timestamp(text: str, *, require_timezone: bool = False) -> datetime:
    """Parse an xAPI Timestamp (Data §4.5) into an aware :class:`datetime` in UTC.

    A Timestamp without a time zone is read as UTC (xAPI 1.0.3 only recommends
    the zone; pass ``require_timezone=True`` for xAPI 2.0). Fractions finer than
    microseconds are truncated.

    :raises ValueError: the text is not an ISO 8601 combined date and time, the
        date or time does not exist, or the offset is the forbidden ``-00:00``.
    """
    local, offset = _timestamp_parts(text, require_timezone)
    utc = local - timedelta(minutes=offset) if offset else local
    return utc.replace(tzinfo=UTC)


# --- fields -------------------------------------------------------------------

_ROOT = "$"
_SEGMENT = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")


def _relative_keys(path: str) -> list[str | int]:
    """Split a JSONPath below ``$`` (as built by ``join_path``) into its keys."""
    keys: list[str | int] = []
    for match in _SEGMENT.finditer(path, len(_ROOT)):
        name, index, quoted = match.groups()
        if name is not None:
            keys.append(name)
        elif index is not None:
            keys.append(int(index))
        else:
            keys.append(re.sub(r"\\(.)", r"\1", quoted))
    return keys


def as_validation_error(error: StatementInvalid) -> ValidationError:
    """Turn a ``StatementInvalid`` raised at a path below ``$`` into marshmallow's form."""
    message: t.Any = [error.rule]
    for key in reversed(_relative_keys(error.path)):
        message = {key: message}
    return ValidationError(message)


class XapiField(fields.Field[t.Any]):
    """A marshmallow field whose rules live in :meth:`check`.

    Subclasses implement ``check``; ``_deserialize`` runs it and returns the
    value unchanged, so loading never alters a Statement (Data §2.2.s2.b5).
    """

    default_error_messages = {"required": "is required", "null": "must not be null"}

    def check(self, value: t.Any, path: str) -> None:
        """Raise :class:`StatementInvalid` at ``path`` if ``value`` breaks a rule."""
        raise NotImplementedError

    def _deserialize(self, value: t.Any, attr: str | None, data: t.Any, **kwargs: t.Any) -> t.Any:
        try:
            self.check(value, _ROOT)
        except StatementInvalid as error:
            raise as_validation_error(error) from error
        return value


class String(XapiField):
    """A JSON string (Data §2.2.s4.b1.b2: no numbers or booleans in its place)."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not str:
            raise StatementInvalid(path, "must be a string")


class Constant(XapiField):
    """A string that must equal one of a few values exactly, case included (Data §2.2.s4.b1.b6)."""

    def __init__(self, *choices: str, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self.choices = frozenset(choices)
        self.rule = (
            f"must be {choices[0]}"
            if len(choices) == 1
            else "must be one of " + ", ".join(choices[:-1]) + f" or {choices[-1]}"
        )

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not str or value not in self.choices:
            raise StatementInvalid(path, self.rule)


class IRI(XapiField):
    """An absolute IRI (Data §4.3, §2.2.s4.b1.b8: a scheme is required); IRLs use it too."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not str or _IRI.match(value) is None:
            raise StatementInvalid(path, "must be an IRI with a scheme (e.g. https://example.org/x)")


class UUID(XapiField):
    """A UUID in standard string form (Data §4.4)."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not str or _UUID.match(value) is None:
            raise StatementInvalid(path, "must be a UUID in standard string form")


class Mbox(XapiField):
    """A mailto IRI: ``mailto:`` and an e-mail address (Data §2.4.2.3)."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not str or _MBOX.match(value) is None:
            raise StatementInvalid(path, "must be a mailto IRI (mailto:name@example.org)")


class Sha1(XapiField):
    """The hex-encoded SHA-1 of a mailto IRI (Data §2.4.2.3 mbox_sha1sum)."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not str or len(value) != 40 or _HEX.match(value) is None:
            raise StatementInvalid(path, "must be a hex-encoded SHA-1 (40 hex digits)")


class Sha2(XapiField):
    """The hex-encoded SHA-2 of attachment data (Data §2.4.11; SHA-224 to SHA-512)."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not str or len(value) not in _SHA2_LENGTHS or _HEX.match(value) is None:
            raise StatementInvalid(
                path, "must be a hex-encoded SHA-2 (56, 64, 96 or 128 hex digits)"
            )


class LanguageTag(XapiField):
    """An RFC 5646 language tag (Data §2.4.6 context.language)."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not str or _LANGTAG.match(value) is None:
            raise StatementInvalid(path, "must be an RFC 5646 language tag")


class LanguageMap(XapiField):
    """An object of RFC 5646 tag → string (Data §4.2)."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not dict:
            raise StatementInvalid(path, "must be a language map (an object of language tag: string)")
        for key, text in value.items():
            if _LANGTAG.match(key) is None:
                raise StatementInvalid(join_path(path, key), "must be keyed by an RFC 5646 language tag")
            if type(text) is not str:
                raise StatementInvalid(
                    join_path(path, key),
                    "must not be null" if text is None else "must be a string",
                )


class Extensions(XapiField):
    """An object of IRI → any JSON value, null included (Data §4.1)."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not dict:
            raise StatementInvalid(path, "must be an object of IRI: value")
        for key in value:
            if _IRI.match(key) is None:
                raise StatementInvalid(join_path(path, key), "must be keyed by an IRI with a scheme")


class Number(XapiField):
    """A finite JSON number, optionally within ``[minimum, maximum]``."""

    def __init__(
        self, *, minimum: float | None = None, maximum: float | None = None, **kwargs: t.Any
    ) -> None:
        super().__init__(**kwargs)
        self.minimum = minimum
        self.maximum = maximum
        if minimum is not None and maximum is not None:
            self.range_rule = f"must be between {minimum:g} and {maximum:g}"
        elif minimum is not None:
            self.range_rule = f"must be at least {minimum:g}"
        elif maximum is not None:
            self.range_rule = f"must be at most {maximum:g}"
        else:
            self.range_rule = ""

    def check(self, value: t.Any, path: str) -> None:
        kind = type(value)
        if kind is not int and kind is not float:
            raise StatementInvalid(path, "must be a number")
        if kind is float and not math.isfinite(value):
            raise StatementInvalid(path, "must be a finite number")
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise StatementInvalid(path, self.range_rule)


class Integer(XapiField):
    """A non-negative JSON integer (Data §2.4.11 length)."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not int:
            raise StatementInvalid(path, "must be an integer")
        if value < 0:
            raise StatementInvalid(path, "must not be negative")


class Boolean(XapiField):
    """A JSON ``true`` or ``false`` (Data §2.2.s4.b1.b3: not the strings)."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not bool:
            raise StatementInvalid(path, "must be true or false")


class Duration(XapiField):
    """An ISO 8601:2004 §4.4.3.2 duration (Data §4.6); a decimal fraction only on the last unit."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not str or _DURATION.match(value) is None:
            raise StatementInvalid(path, "must be an ISO 8601 duration such as PT1H30M5.25S")
        numbers = _DURATION_NUMBER.findall(value)
        if any("." in n or "," in n for n in numbers[:-1]):
            raise StatementInvalid(path, "may have a decimal fraction only in its smallest unit")


class Timestamp(XapiField):
    """An ISO 8601 Timestamp (Data §4.5); xAPI 2.0 requires the time zone."""

    def __init__(self, *, require_timezone: bool = False, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self.require_timezone = require_timezone

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not str:
            raise StatementInvalid(path, "must be a string holding an ISO 8601 timestamp")
        try:
            _timestamp_parts(value, self.require_timezone)
        except ValueError as error:
            raise StatementInvalid(path, str(error)) from None


class MediaType(XapiField):
    """An Internet Media Type such as ``text/plain; charset=utf-8`` (Data §2.4.11, RFC 2046)."""

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not str or _MEDIA_TYPE.match(value) is None:
            raise StatementInvalid(path, "must be an Internet Media Type such as text/plain")


class Nested(fields.Nested):
    """A nested object with its own schema, with this package's messages."""

    default_error_messages = {
        "required": "is required",
        "null": "must not be null",
        "type": "must be an object",
    }


class Array(fields.List[t.Any]):
    """A JSON array of ``inner`` values, with at least ``min_items`` of them.

    The compiled validator checks the items with ``inner``; marshmallow loads
    them through :class:`fields.List`.
    """

    default_error_messages = {
        "required": "is required",
        "null": "must not be null",
        "invalid": "must be an array",
    }

    def __init__(self, inner: fields.Field[t.Any], *, min_items: int = 0, **kwargs: t.Any) -> None:
        super().__init__(inner, **kwargs)
        self.min_items = min_items

    def _deserialize(self, value: t.Any, attr: str | None, data: t.Any, **kwargs: t.Any) -> t.Any:
        if type(value) is not list:
            raise self.make_error("invalid")
        if len(value) < self.min_items:
            raise ValidationError(self.min_items_rule)
        return super()._deserialize(value, attr, data, **kwargs)

    @property
    def min_items_rule(self) -> str:
        """The rule broken by a too-short array."""
        return "must not be empty" if self.min_items == 1 else f"must have at least {self.min_items} items"
