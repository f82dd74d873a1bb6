"""Agents, Groups, accounts, inverse functional identifiers and the authority (Data §2.4.2, §2.4.9).

Also the ``agent`` query parameter and the canonical IFI key. Each case names the
specification section and, where it comes from one, the conformance test.
"""

from __future__ import annotations

import typing as t

import pytest
from xapi_samples import Replace, statement

from lrs.schemas import StatementInvalid, agent_key, parse_agent_param, validate_statement

BOTH = ("1.0.3", "2.0.0")
ONE_IFI = "must have exactly one inverse functional identifier (mbox, mbox_sha1sum, openid or account)"
IRI_RULE = "must be an IRI with a scheme (e.g. https://example.org/x)"
MBOX_RULE = "must be a mailto IRI (mailto:name@example.org)"
NO_IDENTITY = "must have a member list (Anonymous Group) or one inverse functional identifier (Identified Group)"
ACCOUNT = {"homePage": "http://www.example.com", "name": "xAPI account name"}
OAUTH_CONSUMER = {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_consumer_x75db"}}
MEMBER = {"objectType": "Agent", "name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"}


def rows(*table: tuple[t.Any, ...]) -> list[t.Any]:
    """Expand (id, changes, message) rows into one pytest.param per xAPI version."""
    return [
        pytest.param(changes, version, message, id=f"{version} {case_id}")
        for case_id, changes, message in table
        for version in BOTH
    ]


INVALID = rows(
    # Data §2.4.2.1 Agents and §2.4.2.3 IFIs
    ("Data 2.4.2.1.s2.b1 Agent without IFI (agents.js: statement actor without account, mbox, "
     "mbox_sha1sum, openid should fail)",
     {"actor": Replace({"objectType": "Agent", "name": "xAPI"})}, f"$.actor: {ONE_IFI}"),
    ("Data 2.4.2.1.s2.b2 Agent with two IFIs (agents.js: foreign identifier openid)",
     {"actor": {"openid": "http://openid.example.org/12345"}}, f"$.actor: {ONE_IFI}"),
    ("Data 2.4.2.1 an Agent has no member property",
     {"actor": {"member": [MEMBER]}}, "$.actor.member: is not allowed"),
    ("Data 2.4.2.3 mbox not a mailto IRI (ifis.js: statement actor agent mbox not IRI)",
     {"actor": {"mbox": "http://should.fail.com"}}, f"$.actor.mbox: {MBOX_RULE}"),
    ("Data 2.4.2.3 mbox without an address (ifis.js: agent mbox not mailto:email address)",
     {"actor": {"mbox": "mailto:should.fail.com"}}, f"$.actor.mbox: {MBOX_RULE}"),
    ("Data 2.4.2.3 mbox_sha1sum not a string (ifis.js: agent mbox_sha1sum not string)",
     {"actor": Replace({"mbox_sha1sum": 12345})}, "$.actor.mbox_sha1sum: must be a hex-encoded SHA-1 (40 hex digits)"),
    ("Data 2.4.2.3 mbox_sha1sum of 39 hex digits",
     {"actor": Replace({"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e36497"})},
     "$.actor.mbox_sha1sum: must be a hex-encoded SHA-1 (40 hex digits)"),
    ("Data 2.4.2.3 openid not a URI (ifis.js: agent openid not URI)",
     {"actor": Replace({"openid": "ab=c://should.fail.com"})}, f"$.actor.openid: {IRI_RULE}"),
    # Data §2.4.2.4 accounts
    ("Data 2.4.2.4 account without homePage (accountobjects.js: account homePage property exists)",
     {"actor": Replace({"account": {"name": "x"}})}, "$.actor.account.homePage: is required"),
    ("Data 2.4.2.4 account without name (accountobjects.js: account name property exists)",
     {"actor": Replace({"account": {"homePage": "http://www.example.com"}})}, "$.actor.account.name: is required"),
    ("Data 2.4.2.4 homePage not an IRL (accountobjects.js: account homePage property is IRL)",
     {"actor": Replace({"account": {"homePage": "ab=c://should.fail.com", "name": "x"}})},
     f"$.actor.account.homePage: {IRI_RULE}"),
    ("Data 2.4.2.4 account name not a string (formatting.js)",
     {"actor": Replace({"account": {"homePage": "http://www.example.com", "name": {"key": "should fail"}}})},
     "$.actor.account.name: must be a string"),
    ("Data 2.4.2.4 account with an unknown property",
     {"actor": Replace({"account": {**ACCOUNT, "password": "x"}})}, "$.actor.account.password: is not allowed"),
    # Data §2.4.2.2 Groups
    ("Data 2.4.2.2 a Group needs objectType Group: without it, it is an Agent",
     {"actor": Replace({"member": [MEMBER]})}, "$.actor.member: is not allowed"),
    ("Data 2.4.2.2.s4.b1 Anonymous Group without member (groups.js)",
     {"actor": Replace({"objectType": "Group", "name": "Group Anonymous"})}, f"$.actor: {NO_IDENTITY}"),
    ("Data 2.4.2.2.s5.b1 Identified Group with two IFIs (groups.js: foreign identifier)",
     {"actor": Replace({"objectType": "Group", "mbox": "mailto:g@example.org", "account": ACCOUNT})},
     f"$.actor: {ONE_IFI}"),
    ("Data 2.4.2.2.s4.b2 a Group inside a Group (groups.js)",
     {"actor": Replace({"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@example.org"}]})},
     "$.actor.member[0].objectType: must be Agent"),
    ("Data 2.4.2.2 a member without IFI (groups.js)",
     {"actor": Replace({"objectType": "Group", "member": [{"name": "nobody"}]})}, f"$.actor.member[0]: {ONE_IFI}"),
    ("Data 2.4.2.2 a member that is not an object",
     {"actor": Replace({"objectType": "Group", "member": ["mailto:a@example.org"]})},
     "$.actor.member[0]: must be an object"),
    ("Data 2.4.2.2 member not an array",
     {"actor": Replace({"objectType": "Group", "member": MEMBER})}, "$.actor.member: must be an array"),
    ("Data 2.4.4.2.s1.b1 Agent as Object without objectType (4.2.2.3: should fail when using agent as object)",
     {"object": Replace({"mbox": "mailto:a@example.org"})},
     "$.object.objectType: is required when the Object is an Agent or Group"),
    ("Data 2.4.4.2.s1.b1 Group as Object without objectType (4.2.2.3: should fail when using group as object)",
     {"object": Replace({"member": [MEMBER]})},
     "$.object.objectType: is required when the Object is an Agent or Group"),
    ("Data 2.4.6 team is a Group (contexts.js: statement context team is agent)",
     {"context": {"team": {"objectType": "Agent", "mbox": "mailto:a@example.org"}}},
     "$.context.team.objectType: must be Group"),
    ("Data 2.4.6 team states objectType Group",
     {"context": {"team": {"mbox": "mailto:team@example.org"}}}, "$.context.team.objectType: is required"),
    ("Data 2.4.2 instructor objectType in the wrong case (actors.js: context instructor objectType)",
     {"context": {"instructor": {"objectType": "group", "mbox": "mailto:a@example.org"}}},
     "$.context.instructor.objectType: must be one of Agent or Group"),
    # Data §2.4.9 authority
    ("Data 2.4.9.s3.b1 authority as Identified Group (authorities.js: should fail statement authority "
     "identified group (mbox))",
     {"authority": {"objectType": "Group", "mbox": "mailto:bob@example.com", "member": [OAUTH_CONSUMER, MEMBER]}},
     "$.authority: must be an Anonymous Group when the authority is a Group"),
    ("Data 2.4.9.s3.b1 authority Group of one (authorities.js: statement authority invalid one member)",
     {"authority": {"objectType": "Group", "member": [{"mbox": "mailto:bob@example.com"}]}},
     "$.authority.member: must list exactly two Agents when the authority is a Group (OAuth consumer and user)"),
    ("Data 2.4.9.s3.b1 authority Group of three (authorities.js: statement authority invalid three member)",
     {"authority": {"objectType": "Group", "member": [OAUTH_CONSUMER, MEMBER, {"mbox": "mailto:j@example.com"}]}},
     "$.authority.member: must list exactly two Agents when the authority is a Group (OAuth consumer and user)"),
    ("Data 2.4.9 authority anonymous Group without members (authorities.js: anonymous group without two members)",
     {"authority": {"objectType": "Group"}}, f"$.authority: {NO_IDENTITY}"),
    ("Data 2.4.9.s7.b2 authority Group without an OAuth consumer account (4.2.4.2: non-O-Auth Agents)",
     {"authority": {"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}, MEMBER]}},
     "$.authority.member: must include the OAuth consumer as an Agent identified by account"),
    ("Data 2.4.9 authority objectType in the wrong case (actors.js: statement authority objectType)",
     {"authority": {"objectType": "agent", "mbox": "mailto:a@example.org"}},
     "$.authority.objectType: must be one of Agent or Group"),
)

VALID = rows(
    ("Data 2.4.2.3 Agent by mbox_sha1sum (ifis.js)",
     {"actor": Replace({"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"})}, None),
    ("Data 2.4.2.3 Agent by openid", {"actor": Replace({"openid": "http://openid.example.org/12345"})}, None),
    ("Data 2.4.2.3 Agent by account (ifis.js: statement actor agent account property exists)",
     {"actor": Replace({"objectType": "Agent", "account": ACCOUNT})}, None),
    ("Data 2.4.2.1 objectType is optional for an actor Agent", {"actor": Replace({"mbox": "mailto:a@example.org"})},
     None),
    ("Data 2.4.2.2 Identified Group with members (groups.js)",
     {"actor": Replace({"objectType": "Group", "account": ACCOUNT, "member": [MEMBER]})}, None),
    ("Data 2.4.2.2.s5.b4 Identified Group without members (groups.js: identified_mbox_no_member)",
     {"actor": Replace({"objectType": "Group", "mbox": "mailto:g@example.org"})}, None),
    ("Data 2.4.2.2 Anonymous Group", {"actor": Replace({"objectType": "Group", "member": [MEMBER]})}, None),
    ("Data 2.4.4.2 Group as Object", {"object": Replace({"objectType": "Group", "member": [MEMBER]})}, None),
    ("Data 2.4.6 Group as instructor", {"context": {"instructor": {"objectType": "Group", "member": [MEMBER]}}}, None),
    ("Data 2.4.9 authority Agent (authorities.js: should pass statement authority agent template)",
     {"authority": {"objectType": "Agent", "mbox": "mailto:authority@example.org"}}, None),
    ("Data 2.4.9.s8 authority OAuth pair (authorities.js: should pass statement authority template)",
     {"authority": {"objectType": "Group", "member": [OAUTH_CONSUMER, {"mbox": "mailto:bob@example.com"}]}}, None),
)


@pytest.mark.parametrize(("changes", "version", "message"), INVALID)
def test_schemas_agents_reject_with_path_and_rule(changes: dict[str, t.Any], version: str, message: str) -> None:
    """Test that a malformed Agent, Group or authority is rejected with its path and rule."""
    with pytest.raises(StatementInvalid) as caught:
        validate_statement(statement(changes), version)
    assert str(caught.value) == message


@pytest.mark.parametrize(("changes", "version", "message"), VALID)
def test_schemas_agents_accept(changes: dict[str, t.Any], version: str, message: None) -> None:
    """Test that every allowed form of Agent, Group and authority passes."""
    validate_statement(statement(changes), version)


@pytest.mark.parametrize(
    ("agent", "key"),
    [
        pytest.param({"mbox": "mailto:Ann.Lee@Example.ORG"}, "mbox:mailto:Ann.Lee@example.org",
                     id="Data 2.3.1.b7 e-mail domain is case-insensitive"),
        pytest.param({"mbox_sha1sum": "CD9B00A5611F94EAA7B1661EDAB976068E364975"},
                     "mbox_sha1sum:cd9b00a5611f94eaa7b1661edab976068e364975", id="hex in lower case"),
        pytest.param({"openid": "http://openid.example.org/12345"}, "openid:http://openid.example.org/12345",
                     id="openid"),
        pytest.param({"objectType": "Agent", "name": "A", "account": {"homePage": "https://lms.example.org",
                                                                       "name": "ann"}},
                     "account:https://lms.example.org|ann", id="account"),
        pytest.param({"objectType": "Group", "mbox": "mailto:team@example.org", "member": [MEMBER]},
                     "mbox:mailto:team@example.org", id="Identified Group"),
    ],
)
def test_schemas_agent_key_is_canonical(agent: dict[str, t.Any], key: str) -> None:
    """Test the canonical IFI string used to index and compare actors (Communication 2.1.3 agent)."""
    assert agent_key(agent) == key


def test_schemas_agent_key_refuses_anonymous_group() -> None:
    """Test that an Anonymous Group, which has no IFI, has no key (Data 2.4.2.2.s3.b1)."""
    with pytest.raises(ValueError, match="needs an inverse functional identifier"):
        agent_key({"objectType": "Group", "member": [MEMBER]})


@pytest.mark.parametrize("version", BOTH)
def test_schemas_parse_agent_param_returns_the_agent(version: str) -> None:
    """Test that a valid agent parameter is returned as parsed (Communication 2.1.3 agent)."""
    text = '{"objectType": "Agent", "account": {"homePage": "https://lms.example.org", "name": "ann"}}'
    assert parse_agent_param(text, version) == {
        "objectType": "Agent", "account": {"homePage": "https://lms.example.org", "name": "ann"}}
    assert parse_agent_param('{"objectType": "Group", "mbox": "mailto:t@example.org"}', version)["mbox"] == (
        "mailto:t@example.org")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("wrong", "agent: must be the JSON of an Agent or Identified Group",
                     id="Data 2.2.s4.b4 not JSON (Data2.2: should reject when agent value is invalid)"),
        pytest.param('["mailto:a@example.org"]', "agent: must be the JSON of an Agent or Identified Group",
                     id="Data 2.2.s4.b4 JSON that is not an object"),
        pytest.param('{"mbox": "a@example.org"}', f"agent.mbox: {MBOX_RULE}", id="Data 2.4.2.3 mbox format"),
        pytest.param('{"mbox": "mailto:a@example.org", "openid": "http://o.example.org/a"}', f"agent: {ONE_IFI}",
                     id="Data 2.4.2.1.s2.b2 two IFIs"),
        pytest.param('{"objectType": "Group", "member": [{"mbox": "mailto:a@example.org"}]}',
                     "agent: must be an Identified Group (an Anonymous Group has no IFI)",
                     id="Communication 2.1.3 agent is an Agent or Identified Group"),
        pytest.param('{"objectType": "Activity", "id": "http://example.org/a"}',
                     "agent.objectType: must be Agent", id="Data 2.4.2.1 objectType"),
    ],
)
def test_schemas_parse_agent_param_rejects(text: str, message: str) -> None:
    """Test that the agent parameter is validated like an Agent in a Statement (Data 2.2.s4.b4)."""
    with pytest.raises(StatementInvalid) as caught:
        parse_agent_param(text, "1.0.3")
    assert str(caught.value) == message
