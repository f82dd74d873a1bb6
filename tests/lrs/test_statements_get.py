"""GET /xapi/statements (Communication §2.1.3, Data §2.5)."""

from __future__ import annotations

import json
import typing as t
import uuid
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import pytest

from lrs.schemas import parse_timestamp

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

Auth = t.Callable[..., dict[str, str]]
Make = t.Callable[..., dict[str, t.Any]]
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
MODULE = "https://qualityrights.example/course/module-"
AMA = {"mbox": "mailto:ama@example.org"}
KOFI = {"mbox": "mailto:kofi@example.org"}


def _post(client: FlaskClient, auth: Auth, *statements: dict[str, t.Any]) -> list[str]:
    response = client.post("/xapi/statements", json=list(statements), headers=auth())
    assert response.status_code == 200, response.get_json()
    return t.cast("list[str]", response.get_json())


def _ids(client: FlaskClient, auth: Auth, query: str) -> list[str]:
    response = client.get(f"/xapi/statements?{query}", headers=auth())
    assert response.status_code == 200, response.get_json()
    return [s["id"] for s in response.get_json()["statements"]]


def _agent(agent: dict[str, t.Any]) -> str:
    return "agent=" + quote(json.dumps(agent))


def test_statements_get_empty_result(client: FlaskClient, auth: Auth) -> None:
    """Test that no match still answers 200 with an empty array (§2.1.3.s2.b4, XAPI-00149)."""
    response = client.get("/xapi/statements", headers=auth())
    assert response.status_code == 200
    assert response.get_json() == {"statements": [], "more": ""}
    parse_timestamp(response.headers["X-Experience-API-Consistent-Through"])


def test_statements_get_newest_first_and_ascending(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test reverse stored order by default, stored order with ascending=true (§2.1.3)."""
    ids = _post(client, auth, statement(), statement(), statement())
    assert _ids(client, auth, "") == ids[::-1]
    assert _ids(client, auth, "ascending=true") == ids


def test_statements_get_single_has_last_modified(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test Last-Modified equal to stored, to the second (§2.1.3.s2.b8)."""
    statement_id = _post(client, auth, statement())[0]
    response = client.get(f"/xapi/statements?statementId={statement_id}", headers=auth())
    stored = parse_timestamp(response.get_json()["stored"])
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == stored.replace(microsecond=0)


def test_statements_get_agent_filter(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test agent: actor or Agent object, Group members included (§2.1.3 table row 3)."""
    as_actor, as_object, other = _post(
        client, auth,
        statement(actor=AMA),
        statement(actor=KOFI, object={"objectType": "Agent", **AMA}),
        statement(actor=KOFI),
    )
    in_group = _post(client, auth, statement(actor={"objectType": "Group", "member": [KOFI, {"name": "Ama", **AMA}]}))[0]
    as_instructor = _post(client, auth, statement(actor=KOFI, context={"instructor": AMA}))[0]
    assert set(_ids(client, auth, _agent(AMA))) == {as_actor, as_object, in_group}
    related = set(_ids(client, auth, _agent(AMA) + "&related_agents=true"))
    assert related == {as_actor, as_object, in_group, as_instructor}
    assert other not in related


def test_statements_get_related_agents_includes_authority(client: FlaskClient, credentials: t.Any,
                                                          statement: Make) -> None:
    """Test that related_agents matches the authority (§2.1.3 table row 8)."""
    key, secret = credentials.add("all")
    headers = credentials.headers(key, secret)
    statement_id = client.post("/xapi/statements", json=statement(), headers=headers).get_json()[0]
    authority = client.get(f"/xapi/statements?statementId={statement_id}", headers=headers).get_json()["authority"]
    response = client.get(f"/xapi/statements?{_agent(authority)}&related_agents=true", headers=headers)
    assert [s["id"] for s in response.get_json()["statements"]] == [statement_id]
    response = client.get(f"/xapi/statements?{_agent(authority)}", headers=headers)
    assert response.get_json()["statements"] == []


def test_statements_get_activity_and_verb_filters(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test activity (object only unless related_activities) and verb filters, combined (§2.1.3)."""
    module1 = {"objectType": "Activity", "id": MODULE + "1"}
    module2 = {"objectType": "Activity", "id": MODULE + "2"}
    completed1, attempted1, completed2, context1 = _post(
        client, auth,
        statement(object=module1),
        statement(object=module1, verb={"id": ATTEMPTED}),
        statement(object=module2),
        statement(object=module2, context={"contextActivities": {"parent": [module1]}}),
    )
    sub = _post(client, auth, statement(object={
        "objectType": "SubStatement", "actor": KOFI, "verb": {"id": ATTEMPTED}, "object": module1,
    }))[0]
    assert set(_ids(client, auth, f"activity={quote(MODULE + '1')}")) == {completed1, attempted1}
    assert set(_ids(client, auth, f"activity={quote(MODULE + '1')}&related_activities=true")) == {
        completed1, attempted1, context1, sub
    }
    assert set(_ids(client, auth, f"verb={quote(COMPLETED)}")) == {completed1, completed2, context1, sub}
    assert _ids(client, auth, f"verb={quote(COMPLETED)}&activity={quote(MODULE + '1')}") == [completed1]


def test_statements_get_registration_filter(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test registration filter, UUID compared without case (§2.1.3 table row 6)."""
    registration = str(uuid.uuid4())
    wanted = _post(client, auth, statement(context={"registration": registration}))[0]
    _post(client, auth, statement(context={"registration": str(uuid.uuid4())}), statement())
    assert _ids(client, auth, f"registration={registration.upper()}") == [wanted]


def test_statements_get_since_until(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test since (exclusive) and until (inclusive) on stored (§2.1.3 table rows 9-10)."""
    ids = [_post(client, auth, statement())[0] for _ in range(3)]
    stored = [client.get(f"/xapi/statements?statementId={i}", headers=auth()).get_json()["stored"] for i in ids]
    assert _ids(client, auth, f"since={quote(stored[0])}&ascending=true") == ids[1:]
    assert _ids(client, auth, f"until={quote(stored[1])}&ascending=true") == ids[:2]
    assert _ids(client, auth, f"since={quote(stored[0])}&until={quote(stored[1])}") == [ids[1]]


def test_statements_get_statement_refs_match_their_targets(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that statements targeting a match also match, recursively, but never voided ones (§2.1.3.s3, §2.1.4)."""
    target = _post(client, auth, statement(actor=AMA))[0]
    confirm = _post(client, auth, statement(actor=KOFI, verb={"id": "http://example.org/confirmed"},
                                            object={"objectType": "StatementRef", "id": target}))[0]
    confirm2 = _post(client, auth, statement(actor=KOFI, verb={"id": "http://example.org/confirmed"},
                                             object={"objectType": "StatementRef", "id": confirm}))[0]
    assert set(_ids(client, auth, _agent(AMA))) == {target, confirm, confirm2}
    voiding = _post(client, auth, statement(actor=KOFI, verb={"id": VOIDED},
                                            object={"objectType": "StatementRef", "id": target}))[0]
    # The voided target is gone; statements targeting it, the voiding one included, remain.
    assert set(_ids(client, auth, _agent(AMA))) == {confirm, confirm2, voiding}
    assert set(_ids(client, auth, f"verb={quote(COMPLETED)}")) == {confirm, confirm2, voiding}


def test_statements_get_ref_stored_before_its_target(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that a StatementRef stored before its target matches once the target arrives (§2.1.3.s3)."""
    target = str(uuid.uuid4())
    ref = _post(client, auth, statement(actor=KOFI, verb={"id": "http://example.org/confirmed"},
                                        object={"objectType": "StatementRef", "id": target}))[0]
    assert _ids(client, auth, f"activity={quote(MODULE + '9')}") == []
    _post(client, auth, statement(id=target, actor=KOFI, object={"objectType": "Activity", "id": MODULE + "9"}))
    assert set(_ids(client, auth, f"activity={quote(MODULE + '9')}")) == {target, ref}


def test_statements_get_paging_with_more(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test limit and more: every statement once, in order, more empty at the end (Data §2.5, XAPI-00108)."""
    ids = _post(client, auth, *[statement() for _ in range(7)])
    seen: list[str] = []
    response = client.get("/xapi/statements?limit=3&ascending=true", headers=auth())
    through = response.headers["X-Experience-API-Consistent-Through"]
    while True:
        body = response.get_json()
        seen += [s["id"] for s in body["statements"]]
        assert response.headers["X-Experience-API-Consistent-Through"] == through
        if not body["more"]:
            break
        assert body["more"].startswith("/xapi/statements?more=")
        response = client.get(body["more"], headers=auth())
        assert response.status_code == 200
    assert seen == ids


def test_statements_get_more_ignores_statements_stored_later(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that later pages hold exactly what was stored up to the first page's Consistent-Through."""
    ids = _post(client, auth, *[statement() for _ in range(4)])
    first = client.get("/xapi/statements?limit=2", headers=auth()).get_json()
    newer = _post(client, auth, statement(), statement())
    second = client.get(first["more"], headers=auth()).get_json()
    assert [s["id"] for s in first["statements"] + second["statements"]] == ids[::-1]
    assert not set(newer) & {s["id"] for s in second["statements"]}
    assert second["more"] == ""


@pytest.mark.parametrize("mutation", ["flip", "truncate", "garbage"])
def test_statements_get_more_tampered_is_400(client: FlaskClient, auth: Auth, statement: Make, mutation: str) -> None:
    """Test that a changed or foreign cursor is refused."""
    _post(client, auth, statement(), statement())
    more = client.get("/xapi/statements?limit=1", headers=auth()).get_json()["more"]
    token = more.split("more=", 1)[1]
    bad = {"flip": token[:5] + ("A" if token[5] != "A" else "B") + token[6:], "truncate": token[:-3],
           "garbage": "not-a-token"}[mutation]
    response = client.get(f"/xapi/statements?more={bad}", headers=auth())
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("parameter more: ")


def test_statements_get_more_survives_restart(make_app: t.Any, client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that a cursor made by one app (worker) is honoured by another on the same database."""
    ids = _post(client, auth, *[statement() for _ in range(3)])
    more = client.get("/xapi/statements?limit=1", headers=auth()).get_json()["more"]
    other, _credentials = make_app()
    rest = other.test_client().get(more, headers=auth()).get_json()
    assert [s["id"] for s in rest["statements"]] == ids[::-1][1:2]


def test_statements_get_more_expires(make_app: t.Any, statement: Make) -> None:
    """Test that an expired cursor is refused with a message saying so."""
    import time

    from lrs.cursor import decode_cursor, encode_cursor
    from lrs.errors import BadRequest

    token = encode_cursor(b"k" * 32, {"x": int(time.time() * 1e6) + 86_400_000_000})
    assert decode_cursor(b"k" * 32, token, int(time.time() * 1e6))["x"] > 0
    expired = encode_cursor(b"k" * 32, {"x": int(time.time() * 1e6) - 1})
    with pytest.raises(BadRequest, match="expired"):
        decode_cursor(b"k" * 32, expired, int(time.time() * 1e6))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"statementId={uuid.uuid4()}&voidedStatementId={uuid.uuid4()}",
         "parameters statementId and voidedStatementId: give only one"),
        (f"statementId={uuid.uuid4()}&verb=http://x.org/v",
         "parameter verb: not allowed with statementId or voidedStatementId (only format and attachments are)"),
        (f"voidedStatementId={uuid.uuid4()}&limit=1",
         "parameter limit: not allowed with statementId or voidedStatementId (only format and attachments are)"),
        ("statementId=123", "parameter statementId: '123' is not a UUID"),
        ("verb=completed", "parameter verb: 'completed' is not an IRI"),
        ("registration=abc", "parameter registration: 'abc' is not a UUID"),
        ("limit=-1", "parameter limit: must be a non-negative integer, not '-1'"),
        ("ascending=yes", "parameter ascending: must be true or false, not 'yes'"),
        ("format=full", "parameter format: must be one of exact, ids, canonical, not 'full'"),
        ("since=yesterday", None),
        ("agent=%7B%22name%22%3A%22x%22%7D", None),
        ("colour=blue", "parameter colour: not a parameter of GET statements"),
        ("verb=http://x.org/a&verb=http://x.org/b", "parameter verb: given more than once"),
    ],
)
def test_statements_get_bad_parameters_are_400(client: FlaskClient, auth: Auth, query: str, message: str | None) -> None:
    """Test parameter validation (§2.1.3.s2.b1-b2; Data §2.2.s4.b4), with Consistent-Through (XAPI-00153)."""
    response = client.get(f"/xapi/statements?{query}", headers=auth())
    assert response.status_code == 400
    assert "X-Experience-API-Consistent-Through" in response.headers
    if message is not None:
        assert response.get_json()["message"] == message


def test_statements_get_formats(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test format=ids and format=canonical with Accept-Language (§2.1.3 row 12, §2.1.3.s4)."""
    statement_id = _post(client, auth, statement(verb={"id": COMPLETED, "display": {"en-US": "completed", "fr": "terminé"}}))[0]
    ids = client.get(f"/xapi/statements?statementId={statement_id}&format=ids", headers=auth()).get_json()
    assert ids["verb"] == {"id": COMPLETED}
    assert ids["object"]["id"] == MODULE + "1" and "definition" not in ids["object"]
    assert ids["actor"]["mbox"] == "mailto:ama@example.org" and "name" not in ids["actor"]
    canonical = client.get(
        f"/xapi/statements?statementId={statement_id}&format=canonical", headers=auth(**{"Accept-Language": "fr"})
    ).get_json()
    assert canonical["verb"]["display"] == {"fr": "terminé"}
    assert canonical["object"]["definition"]["name"] == {"fr": "Module 1 (fr)"}
    listed = client.get("/xapi/statements?format=ids", headers=auth()).get_json()
    assert listed["statements"][0]["verb"] == {"id": COMPLETED}


def test_statements_get_attachments_true_is_multipart(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that attachments=true answers multipart/mixed with the raw data (§2.1.3.s2.b6)."""
    import hashlib

    content = b"certificate of completion"
    sha2 = hashlib.sha256(content).hexdigest()
    attachment = {"usageType": "http://example.org/certificate", "display": {"en-US": "Certificate"},
                  "contentType": "text/plain", "length": len(content), "sha2": sha2}
    boundary = "abc123boundary"
    body = (
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n"
        + json.dumps(statement(attachments=[attachment]))
        + f"\r\n--{boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
        f"X-Experience-API-Hash: {sha2}\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    response = client.post("/xapi/statements", data=body,
                           headers=auth(**{"Content-Type": f"multipart/mixed; boundary={boundary}"}))
    assert response.status_code == 200, response.get_json()
    statement_id = response.get_json()[0]
    plain = client.get(f"/xapi/statements?statementId={statement_id}&attachments=false", headers=auth())
    assert plain.mimetype == "application/json" and content not in plain.data
    multipart = client.get(f"/xapi/statements?statementId={statement_id}&attachments=true", headers=auth())
    assert multipart.mimetype == "multipart/mixed"
    assert content in multipart.data and sha2.encode() in multipart.data


def test_statements_get_voided_not_in_lists(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that voided statements never appear in lists (§2.1.4.s1.b1)."""
    target, kept = _post(client, auth, statement(), statement())
    voiding = _post(client, auth, statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target}))[0]
    assert _ids(client, auth, "") == [voiding, kept]


def test_statements_get_related_pages_merge_direct_and_related(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that related_activities pages interleave object and context matches in stored order."""
    course = {"objectType": "Activity", "id": "https://qualityrights.example/course"}
    ids = []
    for n in range(6):
        if n % 2:
            ids += _post(client, auth, statement(object=course))
        else:
            ids += _post(client, auth, statement(context={"contextActivities": {"grouping": [course]}}))
        _post(client, auth, statement())  # unrelated, in between
    seen: list[str] = []
    body = client.get(f"/xapi/statements?related_activities=true&limit=2&activity={quote(course['id'])}",
                      headers=auth()).get_json()
    while True:
        seen += [s["id"] for s in body["statements"]]
        if not body["more"]:
            break
        body = client.get(body["more"], headers=auth()).get_json()
    assert seen == ids[::-1]
