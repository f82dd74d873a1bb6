"""The schema base class and the compiler that makes its checks cheap.

The Statement model is declared once, as marshmallow schemas built from the
fields of :mod:`lrs.schemas.common`. ``Schema().load`` works as usual and reports
every problem; it costs about a millisecond per Statement, too much for the
ingest path. :func:`compiled` therefore walks the same declarations
once and returns a plain function that checks a value with the same field
``check`` methods and the same schema rules, stopping at the first problem.
Both give the same verdict and the same first problem
(``tests/lrs/test_schemas_marshmallow.py``); the one exception is an object
with several unknown properties, which marshmallow lists in set order while the
compiled check names the first in the document.

A schema lists its cross-field rules in ``rules``: functions ``rule(obj, path)``
raising :class:`StatementInvalid`. They run after the fields and the
unknown-property check, and only when those passed, as in marshmallow.
"""

from __future__ import annotations

import functools
import typing as t
from collections.abc import Callable, Mapping

from marshmallow import RAISE, Schema, ValidationError, fields, validates_schema

from .common import Array, XapiField, as_validation_error
from .errors import StatementInvalid, join_path

__all__ = ["FAST_PATH", "Checker", "OneOf", "Rule", "XapiSchema", "compiled"]

Checker = Callable[[t.Any, str], None]
Rule = Callable[[dict[str, t.Any], str], None]

_MISSING = object()

#: The path given to checks during a fast pass. Problems found there carry this
#: placeholder; the enclosing object then walks its schema again with real paths.
FAST_PATH = "$?"


class XapiSchema(Schema):
    """A strict schema: unknown properties, nulls and wrong types are rejected (Data §2.2.s4)."""

    class Meta:
        unknown = RAISE

    error_messages: t.ClassVar[dict[str, str]] = {  # type: ignore[misc]
        "unknown": "is not allowed",
        "type": "must be an object",
    }
    rules: t.ClassVar[tuple[Rule, ...]] = ()

    @validates_schema
    def _apply_rules(self, data: dict[str, t.Any], **kwargs: t.Any) -> None:
        for rule in self.rules:
            try:
                rule(data, "$")
            except StatementInvalid as error:
                raise as_validation_error(error) from error


class OneOf(XapiField):
    """An object whose schema is chosen by its ``objectType`` (Data §2.4.2, §2.4.4).

    :param choices: ``objectType`` value → schema.
    :param default: the ``objectType`` assumed when the property is absent, or
        ``None`` when it is required.
    """

    def __init__(
        self, choices: Mapping[str, type[XapiSchema]], *, default: str | None = None, **kwargs: t.Any
    ) -> None:
        super().__init__(**kwargs)
        self.choices = dict(choices)
        self.default = default
        names = list(self.choices)
        self.rule = (
            f"must be {names[0]}"
            if len(names) == 1
            else "must be one of " + ", ".join(names[:-1]) + f" or {names[-1]}"
        )

    def select(self, value: dict[str, t.Any], path: str) -> type[XapiSchema]:
        """Return the schema for ``value`` or raise at its ``objectType``."""
        kind = value.get("objectType", self.default)
        if kind is None:
            raise StatementInvalid(join_path(path, "objectType"), "is required")
        schema = self.choices.get(kind) if type(kind) is str else None
        if schema is None:
            raise StatementInvalid(join_path(path, "objectType"), self.rule)
        return schema

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not dict:
            raise StatementInvalid(path, "must be an object")
        compiled(self.select(value, path))(value, path)

    def _deserialize(self, value: t.Any, attr: str | None, data: t.Any, **kwargs: t.Any) -> t.Any:
        if type(value) is not dict:
            raise ValidationError("must be an object")
        try:
            schema = self.select(value, "$")
        except StatementInvalid as error:
            raise as_validation_error(error) from error
        return schema().load(value)


def _array_checker(field: Array) -> Checker:
    inner = checker_for(field.inner)
    min_items = field.min_items
    min_rule = field.min_items_rule

    def check_array(value: t.Any, path: str) -> None:
        if type(value) is not list:
            raise StatementInvalid(path, "must be an array")
        if len(value) < min_items:
            raise StatementInvalid(path, min_rule)
        fast = path is FAST_PATH
        for index, item in enumerate(value):
            item_path = FAST_PATH if fast else f"{path}[{index}]"
            if item is None:
                raise StatementInvalid(item_path, "must not be null")
            inner(item, item_path)

    return check_array


def checker_for(field: fields.Field[t.Any]) -> Checker:
    """Return the fast check of one declared field."""
    if isinstance(field, Array):
        return _array_checker(field)
    if isinstance(field, fields.Nested):
        return compiled(field.nested)  # type: ignore[arg-type]
    if isinstance(field, XapiField):
        return field.check
    raise TypeError(f"no fast check for {type(field).__name__}")


@functools.cache
def compiled(schema: type[XapiSchema]) -> Checker:
    """Return a function that checks a value against ``schema``, raising at the first problem."""
    plan = tuple(
        (name, field.required, checker_for(field))
        for name, field in schema._declared_fields.items()
    )
    allowed = frozenset(schema._declared_fields)
    required = frozenset(name for name, is_required, _ in plan if is_required)
    by_name = {name: check for name, _, check in plan}
    rules = schema.rules

    def check_in_schema_order(value: dict[str, t.Any], path: str) -> None:
        for name, is_required, check in plan:
            item = value.get(name, _MISSING)
            if item is _MISSING:
                if is_required:
                    raise StatementInvalid(f"{path}.{name}", "is required")
                continue
            if item is None:
                raise StatementInvalid(f"{path}.{name}", "must not be null")
            check(item, f"{path}.{name}")
        for key in value:
            if key not in allowed:
                raise StatementInvalid(join_path(path, key), "is not allowed")

    def check_object(value: t.Any, path: str) -> None:
        if type(value) is not dict:
            raise StatementInvalid(path, "must be an object")
        # Fast pass over the properties present, building no paths; on any
        # problem, walk the schema in declaration order with real paths, so the
        # problem reported is the first one, exactly as marshmallow reports it.
        try:
            for name, item in value.items():
                check = by_name.get(name)
                if check is None or item is None:
                    raise _Retrace
                check(item, FAST_PATH)
            if not required.issubset(value):
                raise _Retrace
        except (StatementInvalid, _Retrace):
            check_in_schema_order(value, path)  # raises the same or an earlier problem
        for rule in rules:
            rule(value, path)

    return check_object


class _Retrace(Exception):
    """Internal signal: a property is unknown, null or missing; find the first problem in order."""
