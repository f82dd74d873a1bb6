"""GET Statement formats (Communication §2.1.3) and Statement comparison (Data §2.3.1)."""

from __future__ import annotations

import copy
import typing as t

import pytest
from xapi_samples import APPENDIX_A_LONG, ATTACHMENT, Replace, merge, statement

from lrs.statement_forms import choose_language, format_statement, parse_accept_language, statements_equivalent

GROUP = {"objectType": "Group", "name": "Group Identified", "mbox": "mailto:group@adlnet.gov"}
ANONYMOUS = {"objectType": "Group", "name": "Pair", "member": [
    {"objectType": "Agent", "name": "A", "mbox": "mailto:a@example.org"},
    {"name": "B", "account": {"homePage": "https://lms.example.org", "name": "b"}},
]}
# The Statement of 4.1.6.1 "can process a GET request with format" (XAPI-00168..171):
# object_substatement + statements.unicode + groups.default.
UNICODE_SUB = {
    "actor": {"objectType": "Agent", "name": "xAPI account", "mbox": "mailto:agent@adlnet.gov"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-GB": "attended", "en-US": "attended"}},
    "object": {
        "objectType": "SubStatement",
        "actor": GROUP,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended",
                 "display": {"en-GB": "attended", "en-US": "attended", "ja-JP": "出席した", "ko-KR": "참석"}},
        "object": {
            "objectType": "Activity",
            "id": "http://www.example.com/unicode/1",
            "definition": {
                "name": {"en": "Other", "en-GB": "attended", "en-US": "attended", "ru-RU": "участие"},
                "description": {"en-US": "On this map, please mark Franklin, TN",
                                "en-GB": "On this map, please mark Franklin, TN"},
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "moreInfo": "http://virtualmeeting.example.com/345256",
                "interactionType": "other",
                "correctResponsesPattern": ["(35.937432,-86.868896)"],
                "extensions": {"http://example.com/profiles/meetings/extension/reporter": {"name": "Thomas"}},
            },
        },
    },
}


def test_format_exact_returns_the_statement_as_received() -> None:
    """Test format=exact (XAPI-00170): Agents, Verbs, Activities and Groups exactly as received."""
    original = copy.deepcopy(UNICODE_SUB)
    assert format_statement(UNICODE_SUB, "exact", ["en-GB"]) == original
    assert original == UNICODE_SUB


def test_format_returns_context_activities_as_arrays() -> None:
    """Test Data 2.4.6.2.s4.b3-b4 (4.2.2.5, XAPI-00096): single context Activities come back as arrays of one."""
    single = {"contextActivities": {"parent": {"id": "http://example.org/p"}, "other": [{"id": "http://example.org/o"}]}}
    data = statement({"context": single, "object": Replace({
        "objectType": "SubStatement", "actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://example.org/v"},
        "object": {"id": "http://example.org/a"}, "context": {"contextActivities": {"grouping": {"id": "http://g.org/"}}}})})
    before = copy.deepcopy(data)
    for fmt in ("exact", "ids", "canonical"):
        out = format_statement(data, fmt, [])
        assert out["context"]["contextActivities"]["parent"] in ([{"id": "http://example.org/p"}],)
        assert out["context"]["contextActivities"]["other"] == [{"id": "http://example.org/o"}]
        assert out["object"]["context"]["contextActivities"]["grouping"] == [{"id": "http://g.org/"}]
    assert data == before


def test_format_ids_keeps_only_identifiers() -> None:
    """Test format=ids (Communication 2.1.3 table row 12; 4.1.6.1 XAPI-00171 key counts)."""
    out = format_statement(UNICODE_SUB, "ids", [])
    assert out["actor"] == {"objectType": "Agent", "mbox": "mailto:agent@adlnet.gov"}
    assert out["verb"] == {"id": "http://adlnet.gov/expapi/verbs/attended"}
    assert out["object"]["actor"] == {"objectType": "Group", "mbox": "mailto:group@adlnet.gov"}
    assert out["object"]["verb"] == {"id": "http://adlnet.gov/expapi/verbs/attended"}
    assert out["object"]["object"] == {"id": "http://www.example.com/unicode/1"}
    assert out["object"]["objectType"] == "SubStatement"


def test_format_ids_reduces_anonymous_group_members_context_and_authority() -> None:
    """Test format=ids on Anonymous Groups (each member's IFI), context Agents and Activities, and authority."""
    data = statement({
        "actor": Replace(ANONYMOUS),
        "context": {"instructor": {"name": "T", "mbox": "mailto:t@example.org"}, "team": {**GROUP, "member": []},
                    "contextActivities": {"category": [{"id": "http://example.org/c", "objectType": "Activity",
                                                        "definition": {"name": {"en": "c"}}}]},
                    "contextAgents": [{"objectType": "contextAgent", "agent": {"name": "P", "mbox": "mailto:p@x.org"}}],
                    "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"},
        "authority": {"objectType": "Agent", "name": "LRS", "account": {"homePage": "https://lrs.example.org",
                                                                        "name": "key"}},
        "result": {"success": True},
    })
    out = format_statement(data, "ids", [])
    assert out["actor"] == {"objectType": "Group", "member": [
        {"objectType": "Agent", "mbox": "mailto:a@example.org"},
        {"account": {"homePage": "https://lms.example.org", "name": "b"}}]}
    assert out["context"]["instructor"] == {"mbox": "mailto:t@example.org"}
    assert out["context"]["team"] == {"objectType": "Group", "mbox": "mailto:group@adlnet.gov"}
    assert out["context"]["contextActivities"] == {"category": [{"id": "http://example.org/c"}]}
    assert out["context"]["contextAgents"] == [{"objectType": "contextAgent", "agent": {"mbox": "mailto:p@x.org"}}]
    assert out["context"]["registration"] == "ec531277-b57b-4c15-8d91-d292c5b2b8f7"
    assert out["authority"] == {"objectType": "Agent", "account": {"homePage": "https://lrs.example.org",
                                                                   "name": "key"}}
    assert out["result"] == {"success": True}


def test_format_canonical_keeps_one_language_per_map() -> None:
    """Test format=canonical with Accept-Language en-GB (4.1.6.1 XAPI-00169, XAPI-00172; Communication 2.1.3.s4)."""
    out = format_statement(UNICODE_SUB, "canonical", ["en-GB"])
    assert out["actor"] == UNICODE_SUB["actor"]
    assert out["verb"] == {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-GB": "attended"}}
    assert out["object"]["actor"] == GROUP
    assert out["object"]["verb"]["display"] == {"en-GB": "attended"}
    definition = out["object"]["object"]["definition"]
    assert definition == {**UNICODE_SUB["object"]["object"]["definition"],  # type: ignore[index]
                          "name": {"en-GB": "attended"},
                          "description": {"en-GB": "On this map, please mark Franklin, TN"}}


def test_format_canonical_reduces_interaction_components_and_context_activities() -> None:
    """Test Communication 2.1.3.s4.b1: interaction component and context Activity maps have one language."""
    data = statement({
        "object": Replace({"id": "http://example.org/q", "definition": {
            "interactionType": "choice", "choices": [{"id": "a", "description": {"fr": "Oui", "en": "Yes"}},
                                                     {"id": "b"}]}}),
        "context": {"contextActivities": {"parent": [{"id": "http://example.org/p",
                                                      "definition": {"name": {"de": "Kurs", "fr": "Cours"}}}]}},
    })
    out = format_statement(data, "canonical", ["fr-CA", "es"])
    assert out["object"]["definition"]["choices"] == [{"id": "a", "description": {"fr": "Oui"}}, {"id": "b"}]
    assert out["context"]["contextActivities"]["parent"][0]["definition"]["name"] == {"fr": "Cours"}


def test_format_canonical_uses_the_lrs_canonical_definition() -> None:
    """Test Communication 2.1.3 canonical: Activities populated with the LRS's canonical definition."""
    canonical = {"https://qualityrights.example.org/xapi/module-1/quiz/q1": {
        "name": {"en": "Question one", "fr": "Question un"}, "type": "http://adlnet.gov/expapi/activities/question"}}
    out = format_statement(statement(), "canonical", ["fr"], activity_definitions=canonical)
    assert out["object"]["definition"] == {"name": {"fr": "Question un"},
                                           "type": "http://adlnet.gov/expapi/activities/question"}


@pytest.mark.parametrize(
    ("language_map", "languages", "expected"),
    [
        pytest.param({"en-US": "x", "en-GB": "y"}, ["en-GB"], "en-GB", id="RFC 2616 14.4 exact"),
        pytest.param({"fr": "x", "en-US": "y"}, ["en"], "en-US", id="RFC 2616 14.4 range is a prefix"),
        pytest.param({"fr": "x", "en": "y"}, ["en-GB"], "en", id="RFC 4647 3.4 lookup truncates"),
        pytest.param({"fr": "x", "en": "y"}, ["fr-CA", "en"], "en", id="RFC 2616 14.4 matches before truncating"),
        pytest.param({"fr": "x", "en-US": "y"}, ["en-AU"], "en-US", id="same primary language"),
        pytest.param({"de": "x", "fr": "y"}, ["es", "fr"], "fr", id="second preference"),
        pytest.param({"de": "x", "fr": "y"}, ["*"], "de", id="wildcard"),
        pytest.param({"de": "x", "fr": "y"}, [], "de", id="no preference: first entry"),
        pytest.param({"EN-gb": "x"}, ["en-GB"], "EN-gb", id="tags compare case-insensitively"),
        pytest.param({}, ["en"], None, id="empty map"),
    ],
)
def test_format_choose_language(language_map: dict[str, str], languages: list[str], expected: str | None) -> None:
    """Test the per-map language choice of canonical format (Communication 2.1.3.s4.b5)."""
    assert choose_language(language_map, languages) == expected


def test_format_rejects_an_unknown_format() -> None:
    """Test that only exact, ids and canonical exist (Communication 2.1.3 format)."""
    with pytest.raises(ValueError, match="format must be one of exact, ids, canonical, not 'full'"):
        format_statement(statement(), "full", [])


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", ["fr-CH", "fr", "en", "de", "*"], id="ordered"),
        pytest.param("en;q=0.5, ar", ["ar", "en"], id="by quality"),
        pytest.param("en;q=0, fr", ["fr"], id="q=0 is not acceptable"),
        pytest.param("da, en-gb;q=0.8, en;q=0.7", ["da", "en-gb", "en"], id="RFC 2616 14.4 example"),
        pytest.param(None, [], id="absent"),
        pytest.param("en;q=x, ;;, fr", ["fr"], id="malformed items skipped"),
    ],
)
def test_format_parse_accept_language(header: str | None, expected: list[str]) -> None:
    """Test Accept-Language parsing for canonical format (RFC 2616 14.4)."""
    assert parse_accept_language(header) == expected


SUB_DURATION = {"result": {"duration": "P1DT12H36M0.12S"}}
EQUIVALENT = [
    pytest.param({}, {}, id="identical"),
    pytest.param({"id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"}, {"id": "FD41C918-B88B-4B20-A0A5-A4C32391AAA0"},
                 id="Data 2.3.1.b7 UUID case"),
    pytest.param({}, {"id": None}, id="Data 2.3.1.b1 id assigned by the LRS"),
    pytest.param({"timestamp": "2023-05-04T12:00:00-05:00"}, {"timestamp": "2023-05-04T17:00:00.000Z"},
                 id="Data 2.3.1.b4 timestamp in another time zone"),
    pytest.param({"timestamp": "2023-05-04T17:00:00.1239Z"}, {"timestamp": "2023-05-04T17:00:00.123Z"},
                 id="Data 4.5.s1.b7 timestamp beyond milliseconds"),
    pytest.param({}, {"timestamp": "2023-05-04T17:00:00Z"}, id="Data 2.3.1.b1 timestamp assigned by the LRS"),
    pytest.param({"version": "1.0.0", "stored": "2024-01-01T00:00:00Z", "authority": {"mbox": "mailto:a@x.org"}},
                 {"version": "1.0.3", "stored": "2025-01-01T00:00:00Z", "authority": {"mbox": "mailto:b@x.org"}},
                 id="Data 2.3.1.b1 version, stored and authority"),
    pytest.param({"object": {"definition": {"name": {"en": "Q1"}}}}, {"object": {"definition": Replace({})}},
                 id="Data 2.3.1.b2 Activity Definitions are not part of the Statement"),
    pytest.param({"verb": {"display": {"en-US": "answered"}}}, {"verb": {"display": Replace({"fr": "répondu"})}},
                 id="Data 2.3.1.b3 Verb display"),
    pytest.param({"actor": Replace(ANONYMOUS)},
                 {"actor": Replace({**ANONYMOUS, "member": list(reversed(ANONYMOUS["member"]))})},
                 id="Data 2.3.1.b5 order of Group members"),
    pytest.param({"actor": {"mbox": "mailto:learner1@EXAMPLE.org"}}, {}, id="Data 2.3.1.b7 e-mail domain case"),
    pytest.param({"context": {"registration": "EC531277-B57B-4C15-8D91-D292C5B2B8F7", "language": "en-GB"}},
                 {"context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "language": "en-gb"}},
                 id="Data 2.3.1.b7 registration UUID and language tag case"),
    pytest.param({"context": {"contextActivities": {"parent": {"id": "http://example.org/p"}}}},
                 {"context": {"contextActivities": {"parent": [{"id": "http://example.org/p"}]}}},
                 id="Data 2.4.6.2.s4.b4 single context Activity and array of one"),
    pytest.param({"result": {"duration": "P1DT12H36M0.1237S"}}, SUB_DURATION,
                 id="Data 4.6.s1.b5 duration precision beyond 0.01 s (4.2.7: comparing durations)"),
    pytest.param({"result": {"score": {"raw": 1}}}, {"result": {"score": {"raw": 1.0}}}, id="1 and 1.0 are one number"),
    pytest.param({"attachments": [{**ATTACHMENT, "display": {"en-US": "x"}}]},
                 {"attachments": [{**ATTACHMENT, "display": {"en-us": "x"}, "sha2": ATTACHMENT["sha2"].upper()}]},
                 id="Data 2.3.1.b7 language tag and hex case in attachments"),
]
DIFFERENT = [
    pytest.param({"verb": {"id": "http://example.org/other"}}, {}, id="Data 2.3.1.s9.b2 verb id"),
    pytest.param({"id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1"}, {}, id="Data 2.3.1.s9.b2 id"),
    pytest.param({"result": {"duration": "PT1M"}}, {"result": {"duration": "PT60S"}},
                 id="Data 2.3.1.b8 duration compared as a string"),
    pytest.param({"result": {"duration": "PT0.12S"}}, {"result": {"duration": "PT0.13S"}},
                 id="Data 4.6.s1.b5 hundredths of a second count"),
    pytest.param({"result": {"success": True}}, {"result": {"success": 1}}, id="true is not 1"),
    pytest.param({"actor": {"mbox": "mailto:Learner1@example.org"}}, {}, id="the e-mail local part is case-sensitive"),
    pytest.param({"timestamp": "2023-05-04T12:00:00-05:00"}, {"timestamp": "2023-05-04T12:00:00Z"},
                 id="Data 2.3.1.b4 another point in time"),
    pytest.param({"context": {"extensions": {"http://example.org/x": 1}}},
                 {"context": {"extensions": {"http://example.org/x": 2}}}, id="extension values"),
    pytest.param({"actor": Replace(ANONYMOUS)},
                 {"actor": Replace({**ANONYMOUS, "member": ANONYMOUS["member"][:1]})}, id="Group membership"),
    pytest.param({"attachments": [ATTACHMENT]}, {}, id="attachment metadata"),
    pytest.param({"object": {"id": "http://example.org/Q1"}}, {"object": {"id": "http://example.org/q1"}},
                 id="Data 3.1.s2.b1 IRIs by simple string comparison"),
]


@pytest.mark.parametrize(("left", "right"), EQUIVALENT)
def test_statements_equivalent_ignores_allowed_differences(left: dict[str, t.Any], right: dict[str, t.Any]) -> None:
    """Test Data 2.3.1.s9.b1: differences the immutability exceptions allow are ignored (both directions)."""
    a, b = statement(left), statement(right)
    if b.get("id") is None:
        b.pop("id", None)
    if a.get("id") is None:
        a.pop("id", None)
    assert statements_equivalent(a, b)
    assert statements_equivalent(b, a)


@pytest.mark.parametrize(("left", "right"), DIFFERENT)
def test_statements_equivalent_counts_other_differences(left: dict[str, t.Any], right: dict[str, t.Any]) -> None:
    """Test Data 2.3.1.s9.b2: any other difference means the Statements do not match."""
    assert not statements_equivalent(statement(left), statement(right))
    assert not statements_equivalent(statement(right), statement(left))


def test_statements_equivalent_on_the_appendix_example_and_its_stored_form() -> None:
    """Test that the long example matches itself as an LRS returns it (UTC, arrays, other authority)."""
    stored = merge(APPENDIX_A_LONG, {"timestamp": "2013-05-18T05:32:34.804Z", "stored": "2024-01-01T00:00:00Z",
                                     "authority": Replace({"mbox": "mailto:lrs@example.org"})})
    assert statements_equivalent(APPENDIX_A_LONG, format_statement(stored, "exact", []))
