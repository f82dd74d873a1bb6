"""The real ``tincan`` Python package as a client of the Activity Profile resource (xAPI 1.0.3, Communication §2.7)."""

from __future__ import annotations

import json
import typing as t
from datetime import UTC, datetime, timedelta

from tincan import Activity, ActivityProfileDocument, RemoteLRS

if t.TYPE_CHECKING:
    from tests.lrs.conftest import Credentials, ThreadedServer

MODULE = Activity(id="https://qualityrights.example/course/module-1")


def test_activity_profile_tincan_round_trip(http_server: ThreadedServer, credentials: Credentials) -> None:
    """Test save_activity_profile, retrieve, ids with since, If-Match and delete, as tincan sends them.

    tincan's save_activity_profile never sends If-None-Match: its first save of a document is a
    header-less creating PUT (accepted); a second header-less save is the 409 of §3.1.s4.b13,
    and a save carrying the ETag the LRS gave (If-Match) replaces the document.
    """
    key, secret = credentials.add("profile")
    lrs = RemoteLRS(version="1.0.3", endpoint=http_server.url + "/", username=key, password=secret)
    document = ActivityProfileDocument(
        id="settings", activity=MODULE, content=json.dumps({"lang": "fr"}), content_type="application/json"
    )
    assert lrs.save_activity_profile(document).success

    retrieved = lrs.retrieve_activity_profile(MODULE, "settings")
    assert retrieved.success
    assert json.loads(bytes(retrieved.content.content)) == {"lang": "fr"}
    current = retrieved.response.getheader("ETag")

    document.content = json.dumps({"lang": "ar"})
    conflict = lrs.save_activity_profile(document)
    assert conflict.response.status == 409
    assert "If-Match" in json.loads(conflict.data)["message"]

    document.etag = current
    assert lrs.save_activity_profile(document).success
    assert json.loads(bytes(lrs.retrieve_activity_profile(MODULE, "settings").content.content)) == {"lang": "ar"}

    ids = lrs.retrieve_activity_profile_ids(MODULE)
    assert ids.success and ids.content == ["settings"]
    future = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    assert lrs.retrieve_activity_profile_ids(MODULE, since=future).content == []

    assert lrs.delete_activity_profile(document).response.status == 412  # its ETag is stale now
    document.etag = lrs.retrieve_activity_profile(MODULE, "settings").response.getheader("ETag")
    assert lrs.delete_activity_profile(document).success
    assert lrs.retrieve_activity_profile(MODULE, "settings").response.status == 404
