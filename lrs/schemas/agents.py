"""Agents, Groups, Accounts and the authority (Data §2.4.2, §2.4.9)."""

from __future__ import annotations

import typing as t

from .base import OneOf, Rule, XapiSchema
from .common import IRI, Array, Constant, Mbox, Nested, Sha1, String
from .errors import StatementInvalid

__all__ = [
    "IFI_PROPERTIES",
    "AccountSchema",
    "ActorField",
    "AgentSchema",
    "AuthorityField",
    "GroupSchema",
    "agent_key",
]

#: The inverse functional identifiers of Data §2.4.2.3, in the order they are tried.
IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")

_ONE_IFI = "must have exactly one inverse functional identifier (mbox, mbox_sha1sum, openid or account)"


def _count_ifis(obj: dict[str, t.Any]) -> int:
    return ("mbox" in obj) + ("mbox_sha1sum" in obj) + ("openid" in obj) + ("account" in obj)


def _exactly_one_ifi(obj: dict[str, t.Any], path: str) -> None:
    """Data §2.4.2.1.s2.b1-b2: an Agent is identified by exactly one IFI."""
    if _count_ifis(obj) != 1:
        raise StatementInvalid(path, _ONE_IFI)


def _group_identity(obj: dict[str, t.Any], path: str) -> None:
    """Data §2.4.2.2.s4-s5: an Anonymous Group lists its members; an Identified Group has one IFI."""
    count = _count_ifis(obj)
    if count == 0 and "member" not in obj:
        raise StatementInvalid(path, "must have a member list (Anonymous Group) or one inverse "
                               "functional identifier (Identified Group)")
    if count > 1:
        raise StatementInvalid(path, _ONE_IFI)


def _oauth_group(obj: dict[str, t.Any], path: str) -> None:
    """Data §2.4.9.s3.b1, s7.b1-b2: a Group authority is an anonymous pair, one an OAuth consumer."""
    if _count_ifis(obj):
        raise StatementInvalid(path, "must be an Anonymous Group when the authority is a Group")
    members = obj.get("member", ())
    if len(members) != 2:
        raise StatementInvalid(f"{path}.member", "must list exactly two Agents when the authority "
                               "is a Group (OAuth consumer and user)")
    if not any("account" in member for member in members):
        raise StatementInvalid(f"{path}.member", "must include the OAuth consumer as an Agent "
                               "identified by account")


class AccountSchema(XapiSchema):
    """An account on an existing system (Data §2.4.2.4)."""

    homePage = IRI(required=True)
    name = String(required=True)


class AgentSchema(XapiSchema):
    """An Agent (Data §2.4.2.1)."""

    objectType = Constant("Agent")
    name = String()
    mbox = Mbox()
    mbox_sha1sum = Sha1()
    openid = IRI()
    account = Nested(AccountSchema)

    rules = (_exactly_one_ifi,)


class GroupSchema(XapiSchema):
    """An Anonymous or Identified Group of Agents (Data §2.4.2.2)."""

    objectType = Constant("Group", required=True)
    name = String()
    member = Array(Nested(AgentSchema))
    mbox = Mbox()
    mbox_sha1sum = Sha1()
    openid = IRI()
    account = Nested(AccountSchema)

    rules: t.ClassVar[tuple[Rule, ...]] = (_group_identity,)


class AuthorityGroupSchema(GroupSchema):
    """A Group as authority: 3-legged OAuth's consumer and user (Data §2.4.9)."""

    rules: t.ClassVar[tuple[Rule, ...]] = (_group_identity, _oauth_group)


def ActorField(**kwargs: t.Any) -> OneOf:
    """An Agent, or a Group when ``objectType`` says so (Data §2.4.2)."""
    return OneOf({"Agent": AgentSchema, "Group": GroupSchema}, default="Agent", **kwargs)


def AuthorityField(**kwargs: t.Any) -> OneOf:
    """An Agent, or an OAuth Group of two Agents (Data §2.4.9)."""
    return OneOf({"Agent": AgentSchema, "Group": AuthorityGroupSchema}, default="Agent", **kwargs)


def agent_key(agent: dict[str, t.Any]) -> str:
    """Return a canonical string for the IFI of an Agent or Identified Group.

    Used to index and compare actors: ``mbox:mailto:a@b.org`` (domain in lower
    case, Data §2.3.1.b7), ``mbox_sha1sum:<lower-case hex>``, ``openid:<IRI>``,
    ``account:<homePage>|<name>`` (an IRI never holds an unescaped ``|``).

    :raises ValueError: the object has no IFI (an Anonymous Group).
    """
    mbox = agent.get("mbox")
    if mbox is not None:
        local, _, domain = mbox.rpartition("@")
        return f"mbox:{local}@{domain.lower()}"
    sha1 = agent.get("mbox_sha1sum")
    if sha1 is not None:
        return f"mbox_sha1sum:{sha1.lower()}"
    openid = agent.get("openid")
    if openid is not None:
        return f"openid:{openid}"
    account = agent.get("account")
    if account is not None:
        return f"account:{account['homePage']}|{account['name']}"
    raise ValueError("an Agent or Identified Group needs an inverse functional identifier")
