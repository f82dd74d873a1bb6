"""Context, its Activities, xAPI 2.0 context Agents/Groups, and Statement References (Data §2.4.6)."""

from __future__ import annotations

import typing as t

from marshmallow import ValidationError

from .activities import ActivitySchema
from .agents import ActorField, AgentSchema, GroupSchema
from .base import FAST_PATH, XapiSchema, compiled
from .common import IRI, UUID, Array, Constant, Extensions, LanguageTag, Nested, String, XapiField
from .errors import StatementInvalid

__all__ = [
    "ContextActivitiesSchema",
    "ContextAgentSchema",
    "ContextGroupSchema",
    "ContextSchema",
    "ContextSchema2",
    "StatementRefSchema",
]


class StatementRefSchema(XapiSchema):
    """A reference to another Statement by id (Data §2.4.4.3.s4)."""

    objectType = Constant("StatementRef", required=True)
    id = UUID(required=True)


class ActivityOrArray(XapiField):
    """A contextActivities value: one Activity or an array of them (Data §2.4.6.2.s4.b2)."""

    def check(self, value: t.Any, path: str) -> None:
        check_activity = compiled(ActivitySchema)
        if type(value) is dict:
            check_activity(value, path)
        elif type(value) is list:
            fast = path is FAST_PATH
            for index, item in enumerate(value):
                check_activity(item, FAST_PATH if fast else f"{path}[{index}]")
        else:
            raise StatementInvalid(path, "must be an Activity or an array of Activities")

    def _deserialize(self, value: t.Any, attr: str | None, data: t.Any, **kwargs: t.Any) -> t.Any:
        if type(value) is dict:
            return ActivitySchema().load(value)
        if type(value) is not list:
            raise ValidationError("must be an Activity or an array of Activities")
        loaded, errors = [], {}
        for index, item in enumerate(value):
            try:
                loaded.append(ActivitySchema().load(item))
            except ValidationError as error:
                errors[index] = error.messages
        if errors:
            raise ValidationError(errors)
        return loaded


class ContextActivitiesSchema(XapiSchema):
    """The four kinds of context Activity (Data §2.4.6.2.s4.b1)."""

    parent = ActivityOrArray()
    grouping = ActivityOrArray()
    category = ActivityOrArray()
    other = ActivityOrArray()


class ContextAgentSchema(XapiSchema):
    """xAPI 2.0: an Agent relevant to the Statement, with the types of its relevance."""

    objectType = Constant("contextAgent", required=True)
    agent = Nested(AgentSchema, required=True)
    relevantTypes = Array(IRI(), min_items=1)


class ContextGroupSchema(XapiSchema):
    """xAPI 2.0: a Group relevant to the Statement, with the types of its relevance."""

    objectType = Constant("contextGroup", required=True)
    group = Nested(GroupSchema, required=True)
    relevantTypes = Array(IRI(), min_items=1)


class ContextSchema(XapiSchema):
    """Context under xAPI 1.0.x (Data §2.4.6)."""

    registration = UUID()
    instructor = ActorField()
    team = Nested(GroupSchema)
    contextActivities = Nested(ContextActivitiesSchema)
    revision = String()
    platform = String()
    language = LanguageTag()
    statement = Nested(StatementRefSchema)
    extensions = Extensions()


class ContextSchema2(ContextSchema):
    """Context under xAPI 2.0: adds contextAgents and contextGroups."""

    contextAgents = Array(Nested(ContextAgentSchema))
    contextGroups = Array(Nested(ContextGroupSchema))
