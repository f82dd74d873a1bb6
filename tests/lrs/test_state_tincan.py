"""The real ``tincan`` Python package as a client of the State resource (xAPI 1.0.3, Communication §2.3)."""

from __future__ import annotations

import json
import typing as t
from datetime import UTC, datetime, timedelta

from tincan import Activity, Agent, RemoteLRS, StateDocument

if t.TYPE_CHECKING:
    from tests.lrs.conftest import Credentials, ThreadedServer

MODULE = Activity(id="https://qualityrights.example/course/module-1")
AMA = Agent(name="Ama Mensah", mbox="mailto:ama@example.org")


def _lrs(http_server: ThreadedServer, credentials: Credentials) -> RemoteLRS:
    key, secret = credentials.add("state")
    return RemoteLRS(version="1.0.3", endpoint=http_server.url + "/", username=key, password=secret)


def _state(state_id: str, content: dict[str, t.Any]) -> StateDocument:
    return StateDocument(
        id=state_id, activity=MODULE, agent=AMA, content=json.dumps(content), content_type="application/json"
    )


def test_state_tincan_save_retrieve_list_and_clear(http_server: ThreadedServer, credentials: Credentials) -> None:
    """Test save_state, retrieve_state, retrieve_state_ids (with since), delete_state and clear_state."""
    lrs = _lrs(http_server, credentials)
    assert lrs.save_state(_state("bookmark", {"page": 3})).success
    assert lrs.save_state(_state("suspend", {"answers": ["a", "b"]})).success

    retrieved = lrs.retrieve_state(MODULE, AMA, "bookmark")
    assert retrieved.success
    assert json.loads(bytes(retrieved.content.content)) == {"page": 3}
    assert retrieved.response.getheader("Content-Type") == "application/json"
    assert retrieved.response.getheader("ETag").startswith('"')

    # xAPI 1.0.x lets State be replaced without a precondition (Communication §3.1.s3).
    assert lrs.save_state(_state("bookmark", {"page": 4})).success
    again = lrs.retrieve_state(MODULE, AMA, "bookmark")
    assert json.loads(bytes(again.content.content)) == {"page": 4}

    ids = lrs.retrieve_state_ids(MODULE, AMA)
    assert ids.success
    assert sorted(ids.content) == ["bookmark", "suspend"]
    future = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    assert lrs.retrieve_state_ids(MODULE, AMA, since=future).content == []

    assert lrs.delete_state(_state("suspend", {})).success
    assert lrs.retrieve_state(MODULE, AMA, "suspend").response.status == 404
    assert lrs.clear_state(MODULE, AMA).success
    assert lrs.retrieve_state_ids(MODULE, AMA).content == []


def test_state_tincan_stale_etag_is_refused(http_server: ThreadedServer, credentials: Credentials) -> None:
    """Test If-Match from tincan: a save with the current ETag lands; a stale one is a 412 (§3.1.s4.b5, b9).

    RemoteLRS.save_state sends its PUT twice. With an ETag set, the first PUT replaces the
    document and so changes its ETag; the second carries the now stale ETag and is refused,
    which is the answer save_state returns. The document holds the first PUT's content.
    """
    lrs = _lrs(http_server, credentials)
    assert lrs.save_state(_state("bookmark", {"page": 1})).success
    current = lrs.retrieve_state(MODULE, AMA, "bookmark").response.getheader("ETag")

    document = _state("bookmark", {"page": 2})
    document.etag = current
    second_send = lrs.save_state(document)
    assert second_send.response.status == 412
    assert json.loads(bytes(lrs.retrieve_state(MODULE, AMA, "bookmark").content.content)) == {"page": 2}

    stale = _state("bookmark", {"page": 3})
    stale.etag = current
    assert lrs.save_state(stale).response.status == 412
    assert json.loads(bytes(lrs.retrieve_state(MODULE, AMA, "bookmark").content.content)) == {"page": 2}
