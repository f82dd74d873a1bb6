"""The real ``tincan`` Python package as a client of the statements resource (xAPI 1.0.3)."""

from __future__ import annotations

import typing as t
import uuid

from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    Context,
    LanguageMap,
    RemoteLRS,
    Result,
    Statement,
    StatementRef,
    Verb,
)

if t.TYPE_CHECKING:
    from tests.lrs.conftest import Credentials, ThreadedServer

COURSE = "https://qualityrights.example/course"


def _lrs(http_server: ThreadedServer, credentials: Credentials) -> RemoteLRS:
    key, secret = credentials.add("all")
    return RemoteLRS(version="1.0.3", endpoint=http_server.url + "/", username=key, password=secret)


def _statement(verb: str = "completed", module: int = 1, email: str = "ama@example.org",
               registration: str | None = None) -> Statement:
    return Statement(
        actor=Agent(name="Ama Mensah", mbox=f"mailto:{email}"),
        verb=Verb(id=f"http://adlnet.gov/expapi/verbs/{verb}", display=LanguageMap({"en-US": verb})),
        object=Activity(
            id=f"{COURSE}/module-{module}",
            definition=ActivityDefinition(name=LanguageMap({"en-US": f"Module {module}"})),
        ),
        result=Result(completion=True, success=True),
        context=Context(registration=registration) if registration else None,
    )


def test_tincan_save_and_retrieve_statement(http_server: ThreadedServer, credentials: Credentials) -> None:
    """Test RemoteLRS.save_statement then retrieve_statement round-trip the statement."""
    lrs = _lrs(http_server, credentials)
    saved = lrs.save_statement(_statement())
    assert saved.success, saved.data
    statement_id = saved.content.id
    retrieved = lrs.retrieve_statement(statement_id)
    assert retrieved.success, retrieved.data
    statement = retrieved.content
    assert str(statement.id) == str(statement_id)
    assert statement.actor.mbox == "mailto:ama@example.org"
    assert statement.verb.id == "http://adlnet.gov/expapi/verbs/completed"
    assert statement.result.completion is True
    assert statement.stored is not None and statement.authority is not None


def test_tincan_save_statements_batch_and_query(http_server: ThreadedServer, credentials: Credentials) -> None:
    """Test save_statements (batch) and query_statements with agent, verb and activity filters."""
    lrs = _lrs(http_server, credentials)
    registration = str(uuid.uuid4())
    batch = [
        _statement("attempted", 1, registration=registration),
        _statement("completed", 1, registration=registration),
        _statement("completed", 2),
        _statement("completed", 2, email="kofi@example.org"),
    ]
    saved = lrs.save_statements(batch)
    assert saved.success, saved.data
    ids = [str(s.id) for s in saved.content]
    assert len(set(ids)) == 4

    by_agent = lrs.query_statements({"agent": Agent(mbox="mailto:ama@example.org")})
    assert by_agent.success, by_agent.data
    assert {str(s.id) for s in by_agent.content.statements} == set(ids[:3])

    by_verb_and_activity = lrs.query_statements({
        "verb": Verb(id="http://adlnet.gov/expapi/verbs/completed"),
        "activity": Activity(id=f"{COURSE}/module-2"),
    })
    assert {str(s.id) for s in by_verb_and_activity.content.statements} == set(ids[2:])

    by_registration = lrs.query_statements({"registration": registration, "ascending": "true"})
    assert [str(s.id) for s in by_registration.content.statements] == ids[:2]


def test_tincan_more_statements(http_server: ThreadedServer, credentials: Credentials) -> None:
    """Test that tincan follows the more IRL (relative to the server root) to the end."""
    lrs = _lrs(http_server, credentials)
    saved = lrs.save_statements([_statement(module=m) for m in range(1, 6)])
    assert saved.success
    page = lrs.query_statements({"limit": 2})
    assert page.success
    seen = [str(s.id) for s in page.content.statements]
    result = page.content
    while result.more:
        following = lrs.more_statements(result)
        assert following.success, following.data
        result = following.content
        seen += [str(s.id) for s in result.statements]
    assert seen == [str(s.id) for s in saved.content][::-1]


def test_tincan_void_and_retrieve_voided(http_server: ThreadedServer, credentials: Credentials) -> None:
    """Test voiding with a StatementRef and retrieve_voided_statement (Data §2.3.2)."""
    lrs = _lrs(http_server, credentials)
    target = lrs.save_statement(_statement()).content
    voiding = Statement(
        actor=Agent(mbox="mailto:admin@example.org"),
        verb=Verb(id="http://adlnet.gov/expapi/verbs/voided", display=LanguageMap({"en-US": "voided"})),
        object=StatementRef(id=target.id),
    )
    assert lrs.save_statement(voiding).success
    assert not lrs.retrieve_statement(target.id).success
    voided = lrs.retrieve_voided_statement(target.id)
    assert voided.success and str(voided.content.id) == str(target.id)


def test_tincan_about(http_server: ThreadedServer, credentials: Credentials) -> None:
    """Test RemoteLRS.about reads the versions."""
    about = _lrs(http_server, credentials).about()
    assert about.success
    assert "1.0.3" in [str(v) for v in about.content.version]
