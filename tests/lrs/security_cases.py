"""Values and requests shared by the tests of forward keys, launch tokens and pseudonyms.

Plain helpers, not fixtures. The expected pseudonyms are computed here from the test key
and the canonical forms that docs/lrs-operators.md documents, independently of
``lrs.pseudonyms``, so the tests check the documented contract and not the code with itself.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import typing as t

from lrs.restrictions import forward_restrictions

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient
    from werkzeug.test import TestResponse

    from tests.lrs.conftest import Credentials

COURSE = "https://qualityrights.who.int/xapi/activities/qualityrights"
MODULE = f"{COURSE}/modules/02-mental-health"
PAGE = f"{MODULE}/pages/intro"
QUESTION = f"{MODULE}/questions/q1"
LMS_ACTIVITY = "https://lms.example.org/cmi5/au/17"  # an LMS-made cmi5 activityId, outside the course
REGISTRATION = "5b7e3a32-2c8e-4f4c-9d3b-6a8e1f0c2d4e"
OTHER_REGISTRATION = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
PSEUDONYM_HOMEPAGE = "https://qualityrights.who.int/pseudonym"
ADL = "http://adlnet.gov/expapi/verbs/"
# The same key as BASE_CONFIG in conftest.py (test_security_pseudonyms checks they agree).
TEST_PSEUDONYM_KEY = "test-pseudonym-key-0123456789abcdef0123456789abcdef"
LEARNER = {"objectType": "Agent", "name": "Ama Mensah",
           "account": {"homePage": "https://moodle.example.org", "name": "ama.mensah"}}
OTHER_LEARNER = {"objectType": "Agent", "account": {"homePage": "https://moodle.example.org", "name": "kofi"}}


def expected_pseudonym(canonical: str) -> str:
    """HMAC-SHA256 of a canonical IFI under the test key, in hex."""
    return hmac.new(TEST_PSEUDONYM_KEY.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def pseudonym_agent(canonical: str) -> dict[str, t.Any]:
    """The pseudonym Agent the LRS stores for the canonical IFI ``canonical``."""
    return {"objectType": "Agent", "account": {"homePage": PSEUDONYM_HOMEPAGE, "name": expected_pseudonym(canonical)}}


def mbox_canonical(address: str) -> str:
    """The canonical IFI of ``mailto:address``: the SHA-1 form of the lower-case address."""
    return "mbox_sha1sum:" + hashlib.sha1(f"mailto:{address.lower()}".encode()).hexdigest()  # noqa: S324


LEARNER_PSEUDONYM = pseudonym_agent("account:https://moodle.example.org|ama.mensah")


def verb(name: str) -> dict[str, t.Any]:
    """An ADL verb by name."""
    return {"id": ADL + name, "display": {"en-US": name}}


def forwarded(**overrides: t.Any) -> dict[str, t.Any]:
    """A statement as the player forwards it from a SCORM package (experienced a page)."""
    statement: dict[str, t.Any] = {
        "actor": copy.deepcopy(LEARNER),
        "verb": verb("experienced"),
        "object": {"objectType": "Activity", "id": PAGE,
                   "definition": {"type": "http://activitystrea.ms/schema/1.0/page", "name": {"en": "Introduction"}}},
        "context": {"contextActivities": {"parent": [{"id": MODULE}], "grouping": [{"id": COURSE}]},
                    "language": "en", "platform": "QualityRights SCORM 1.2"},
    }
    statement.update(overrides)
    return statement


def launched(**overrides: t.Any) -> dict[str, t.Any]:
    """A statement of the launched learner in the launch's registration (initialized the LMS's activity)."""
    statement: dict[str, t.Any] = {
        "actor": copy.deepcopy(LEARNER),
        "verb": verb("initialized"),
        "object": {"objectType": "Activity", "id": LMS_ACTIVITY},
        "context": {"registration": REGISTRATION, "contextActivities": {"grouping": [{"id": COURSE}]}},
    }
    statement.update(overrides)
    return statement


def add_forward_key(
    credentials: Credentials, *, tenant: str = "ministry-gh", rate: int | None = None, pseudonymise: bool = True,
    verbs: t.Sequence[str] = (),
) -> dict[str, str]:
    """Headers of a new forward key for :data:`COURSE` (its tenant created if needed)."""
    key, secret = credentials.add("statements/write", tenant=tenant, kind="forward", pseudonymise=pseudonymise,
                                  restrictions=forward_restrictions(COURSE, verbs, rate))
    return credentials.headers(key, secret)


def mint(client: FlaskClient, headers: dict[str, str], **fields: t.Any) -> TestResponse:
    """POST /xapi/launch-tokens with the default launch, ``fields`` replacing or adding fields."""
    body: dict[str, t.Any] = {"actor": LEARNER, "registration": REGISTRATION, "activityId": LMS_ACTIVITY,
                              "courseIri": COURSE}
    body.update(fields)
    return client.post("/xapi/launch-tokens", json={k: v for k, v in body.items() if v is not None}, headers=headers)


def token_headers(minted: dict[str, t.Any], version: str = "1.0.3") -> dict[str, str]:
    """Request headers that present a minted launch token as cmi5 and tincan content do."""
    return {"Authorization": minted["auth"], "X-Experience-API-Version": version}


def basic_headers(auth_token: str, version: str = "1.0.3") -> dict[str, str]:
    """Request headers from a cmi5 ``auth-token`` (``base64(key:secret)``, cmi5 §8.2.1)."""
    base64.b64decode(auth_token, validate=True)
    return {"Authorization": f"Basic {auth_token}", "X-Experience-API-Version": version}


def message(response: TestResponse) -> str:
    """The ``message`` of a JSON error response."""
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error", "message"}, response.get_data(as_text=True)
    return str(body["message"])
