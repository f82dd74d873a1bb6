"""Activities, their definitions and interaction components (Data §2.4.4.1)."""

from __future__ import annotations

import typing as t

from .base import XapiSchema
from .common import IRI, Array, Constant, Extensions, LanguageMap, Nested, String
from .errors import StatementInvalid

__all__ = [
    "COMPONENT_LISTS",
    "ActivityDefinitionSchema",
    "ActivitySchema",
    "InteractionComponentSchema",
]

#: Data §2.4.4.1.s15 table 2: the interaction component lists each interactionType supports.
COMPONENT_LISTS: dict[str, frozenset[str]] = {
    "true-false": frozenset(),
    "choice": frozenset({"choices"}),
    "fill-in": frozenset(),
    "long-fill-in": frozenset(),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "numeric": frozenset(),
    "other": frozenset(),
}
_ALL_LISTS = ("choices", "scale", "source", "target", "steps")
_INTERACTION_PROPERTIES = ("correctResponsesPattern", *_ALL_LISTS)


def _interaction_rules(definition: dict[str, t.Any], path: str) -> None:
    """Data §2.4.4.1.s8, s13.b1, s15-s16: interaction properties need a matching interactionType."""
    kind = definition.get("interactionType")
    if kind is None:
        for name in _INTERACTION_PROPERTIES:
            if name in definition:
                raise StatementInvalid(f"{path}.{name}", "requires an interactionType")
        return
    supported = COMPONENT_LISTS[kind]
    for name in _ALL_LISTS:
        components = definition.get(name)
        if components is None:
            continue
        if name not in supported:
            raise StatementInvalid(f"{path}.{name}", f"is not an interaction component list of {kind}")
        seen: set[str] = set()
        for index, component in enumerate(components):
            if component["id"] in seen:
                raise StatementInvalid(
                    f"{path}.{name}[{index}].id", "must be distinct within its component list"
                )
            seen.add(component["id"])


class InteractionComponentSchema(XapiSchema):
    """One choice, scale point, source, target or step (Data §2.4.4.1.s15)."""

    id = String(required=True)
    description = LanguageMap()


class ActivityDefinitionSchema(XapiSchema):
    """Metadata of an Activity, interaction properties included (Data §2.4.4.1.s2, s8)."""

    name = LanguageMap()
    description = LanguageMap()
    type = IRI()
    moreInfo = IRI()
    interactionType = Constant(*COMPONENT_LISTS)
    correctResponsesPattern = Array(String())
    choices = Array(Nested(InteractionComponentSchema))
    scale = Array(Nested(InteractionComponentSchema))
    source = Array(Nested(InteractionComponentSchema))
    target = Array(Nested(InteractionComponentSchema))
    steps = Array(Nested(InteractionComponentSchema))
    extensions = Extensions()

    rules = (_interaction_rules,)


class ActivitySchema(XapiSchema):
    """An Activity (Data §2.4.4.1)."""

    objectType = Constant("Activity")
    id = IRI(required=True)
    definition = Nested(ActivityDefinitionSchema)
