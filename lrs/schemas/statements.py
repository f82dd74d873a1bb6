"""Statements, SubStatements, Verbs and Attachments (Data §2.4), one schema per xAPI version.

xAPI 1.0.3 and 2.0 share the model; 2.0 adds ``contextAgents`` and
``contextGroups``, requires a time zone in Timestamps and accepts Statement
versions 2.0.x besides 1.0.x.
"""

from __future__ import annotations

import re
import typing as t

from .activities import ActivitySchema
from .agents import ActorField, AgentSchema, AuthorityField, GroupSchema
from .base import OneOf, XapiSchema
from .common import (
    IRI,
    UUID,
    Array,
    Constant,
    Integer,
    LanguageMap,
    MediaType,
    Nested,
    Sha2,
    Timestamp,
    XapiField,
)
from .context import ContextSchema, ContextSchema2, StatementRefSchema
from .errors import StatementInvalid
from .results import ResultSchema

__all__ = [
    "SIGNATURE_USAGE_TYPE",
    "VOIDED_VERB",
    "AttachmentSchema",
    "StatementSchema",
    "StatementSchema2",
    "SubStatementSchema",
    "SubStatementSchema2",
    "VerbSchema",
]

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE_TYPE = "http://adlnet.gov/expapi/attachments/signature"
_AGENT_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account", "member")


def media_type_essence(content_type: str) -> str:
    """Return ``type/subtype`` of a media type, lower case, without parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def _signature_content_type(attachment: dict[str, t.Any], path: str) -> None:
    """Data §2.6.s4.b1: a JWS signature attachment has contentType application/octet-stream."""
    if attachment["usageType"] == SIGNATURE_USAGE_TYPE and (
        media_type_essence(attachment["contentType"]) != "application/octet-stream"
    ):
        raise StatementInvalid(
            f"{path}.contentType", "must be application/octet-stream for a signature attachment"
        )


def _object_is_activity(statement: dict[str, t.Any]) -> bool:
    return bool(statement["object"].get("objectType", "Activity") == "Activity")


def _revision_and_platform(statement: dict[str, t.Any], path: str) -> None:
    """Data §2.4.6.s4.b1-b2: context revision and platform only for an Activity Object."""
    context = statement.get("context")
    if context is None or _object_is_activity(statement):
        return
    for name in ("revision", "platform"):
        if name in context:
            raise StatementInvalid(
                f"{path}.context.{name}", "may only be used when the Object is an Activity"
            )


def _voiding(statement: dict[str, t.Any], path: str) -> None:
    """Data §2.3.2.s2.b1: the Object of a voiding Statement is a StatementRef."""
    if statement["verb"]["id"] == VOIDED_VERB and statement["object"].get("objectType") != "StatementRef":
        raise StatementInvalid(
            f"{path}.object.objectType", "must be StatementRef when the verb is " + VOIDED_VERB
        )


class StatementVersion(XapiField):
    """The Statement ``version`` property (Data §2.4.10; Communication §3.3)."""

    def __init__(self, *majors: str, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        alternatives = "|".join(re.escape(major) for major in majors)
        self.pattern = re.compile(rf"(?:{alternatives})(?:\.\d+)?\Z")
        self.rule = "must be " + " or ".join(f"{major}.x" for major in majors)

    def check(self, value: t.Any, path: str) -> None:
        if type(value) is not str or self.pattern.match(value) is None:
            raise StatementInvalid(path, self.rule)


class StatementObject(OneOf):
    """The Object of a Statement: Activity unless ``objectType`` says otherwise (Data §2.4.4)."""

    def select(self, value: dict[str, t.Any], path: str) -> type[XapiSchema]:
        kind = value.get("objectType")
        if kind is None and any(name in value for name in _AGENT_PROPERTIES):
            # Data §2.4.4.2.s1.b1: an Agent or Group Object states its objectType.
            raise StatementInvalid(f"{path}.objectType", "is required when the Object is an Agent or Group")
        if kind is None and "verb" in value:
            raise StatementInvalid(f"{path}.objectType", "is required when the Object is a SubStatement")
        if kind == "SubStatement" and "SubStatement" not in self.choices:
            raise StatementInvalid(f"{path}.objectType", "must not be SubStatement inside a SubStatement")
        return super().select(value, path)


class VerbSchema(XapiSchema):
    """A Verb (Data §2.4.3)."""

    id = IRI(required=True)
    display = LanguageMap()


class AttachmentSchema(XapiSchema):
    """An Attachment's metadata (Data §2.4.11)."""

    usageType = IRI(required=True)
    display = LanguageMap(required=True)
    description = LanguageMap()
    contentType = MediaType(required=True)
    length = Integer(required=True)
    sha2 = Sha2(required=True)
    fileUrl = IRI()

    rules = (_signature_content_type,)


_SUB_OBJECTS: dict[str, type[XapiSchema]] = {
    "Activity": ActivitySchema,
    "Agent": AgentSchema,
    "Group": GroupSchema,
    "StatementRef": StatementRefSchema,
}


class SubStatementSchema(XapiSchema):
    """A SubStatement under xAPI 1.0.x: no id, stored, version, authority or nesting (Data §2.4.4.3.s8)."""

    objectType = Constant("SubStatement", required=True)
    actor = ActorField(required=True)
    verb = Nested(VerbSchema, required=True)
    object = StatementObject(_SUB_OBJECTS, default="Activity", required=True)
    result = Nested(ResultSchema)
    context = Nested(ContextSchema)
    timestamp = Timestamp()
    attachments = Array(Nested(AttachmentSchema))

    rules = (_revision_and_platform,)


class SubStatementSchema2(SubStatementSchema):
    """A SubStatement under xAPI 2.0."""

    context = Nested(ContextSchema2)
    timestamp = Timestamp(require_timezone=True)


class StatementSchema(XapiSchema):
    """A Statement under xAPI 1.0.x (Data §2.4)."""

    id = UUID()
    actor = ActorField(required=True)
    verb = Nested(VerbSchema, required=True)
    object = StatementObject(
        {**_SUB_OBJECTS, "SubStatement": SubStatementSchema}, default="Activity", required=True
    )
    result = Nested(ResultSchema)
    context = Nested(ContextSchema)
    timestamp = Timestamp()
    stored = Timestamp()
    authority = AuthorityField()
    version = StatementVersion("1.0")
    attachments = Array(Nested(AttachmentSchema))

    rules = (_voiding, _revision_and_platform)


class StatementSchema2(StatementSchema):
    """A Statement under xAPI 2.0: 2.0 context, zoned Timestamps, versions 1.0.x and 2.0.x."""

    object = StatementObject(
        {**_SUB_OBJECTS, "SubStatement": SubStatementSchema2}, default="Activity", required=True
    )
    context = Nested(ContextSchema2)
    timestamp = Timestamp(require_timezone=True)
    stored = Timestamp(require_timezone=True)
    version = StatementVersion("1.0", "2.0")
