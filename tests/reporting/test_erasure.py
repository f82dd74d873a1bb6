"""Erasing one learner (``qrlrs learners forget``) and purging past the retention period (``qrlrs learners purge``).

The learner is found where xAPI puts agents (Data §2.4.2 actor, §2.4.4 Agent object, §2.4.6 context instructor
and team, §2.4.4.3 SubStatement) and by the pseudonym ingest gives them (tenants that pseudonymise).
"""

from __future__ import annotations

import json
import typing as t

from click.testing import CliRunner
from sqlalchemy import func, select

from lrs.cli import main
from lrs.models import AgentName, Document, Statement, StatementIndex
from lrs.reporting import store
from lrs.reporting.erasure import forget, purge
from lrs.reporting.synthetic import Journey, journey_statements
from tests.reporting import cohort
from tests.reporting.support import PSEUDONYM_KEY

if t.TYPE_CHECKING:
    from flask import Flask

    from lrs.reporting.catalogue import Catalogue
    from qrscorm.source.model import Course
    from tests.reporting.support import Lrs

ADL = "http://adlnet.gov/expapi/verbs/"
AMA = {"objectType": "Agent", "mbox": "mailto:ama@example.org"}
KOFI = {"objectType": "Agent", "mbox": "mailto:kofi@example.org"}
COURSE = "https://qualityrights.who.int/xapi/activities/qualityrights"


def _count(lrs: Lrs, model: t.Any) -> int:
    with lrs.db.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _statements_naming_ama() -> list[dict[str, t.Any]]:
    """Ama as actor, object, instructor, team member and inside a SubStatement; one statement about Kofi only."""
    activity = {"id": f"{COURSE}/modules/human-rights"}
    return [
        {"actor": AMA, "verb": {"id": ADL + "experienced"}, "object": activity},
        {"actor": AMA, "verb": {"id": ADL + "completed"}, "object": activity},
        {"actor": KOFI, "verb": {"id": ADL + "mentored"}, "object": AMA},
        {"actor": KOFI, "verb": {"id": ADL + "completed"}, "object": activity, "context": {"instructor": AMA}},
        {"actor": KOFI, "verb": {"id": ADL + "attended"}, "object": activity,
         "context": {"team": {"objectType": "Group", "member": [AMA, KOFI]}}},
        {"actor": KOFI, "verb": {"id": ADL + "planned"}, "object": {
            "objectType": "SubStatement", "actor": AMA, "verb": {"id": ADL + "attended"}, "object": activity}},
        {"actor": KOFI, "verb": {"id": ADL + "experienced"}, "object": activity},
    ]


def test_forget_erases_every_statement_document_and_progress_of_a_learner(lrs: Lrs, app: Flask,
                                                                           catalogue: Catalogue) -> None:
    """Every position, both a clear tenant and a pseudonymising one; what refers to erased statements goes too."""
    lrs.tenant("plain", country="GH", pseudonymise=False)
    lrs.tenant("pseudo", country="KE", pseudonymise=True)
    for tenant in ("plain", "pseudo"):
        auth = lrs.credential(tenant, "all")
        ids = lrs.post(auth, _statements_naming_ama())
        # A voiding statement by someone else, about Ama's statement: it refers to an erased statement.
        lrs.post(auth, [{"actor": KOFI, "verb": {"id": ADL + "voided"},
                         "object": {"objectType": "StatementRef", "id": ids[0]}}])
        state = lrs.client.put("/xapi/activities/state", query_string={
            "activityId": f"{COURSE}/modules/human-rights", "agent": json.dumps(AMA), "stateId": "progress"},
            json={"page": 3}, headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3"})
        assert state.status_code == 204
    assert _count(lrs, Statement) == 16 and _count(lrs, Document) == 2
    with lrs.db.read_session() as session:
        # Ama and Kofi, stored as sent in one tenant and as pseudonyms in the other: four learners for WHO.
        assert len({key[2] for key in store.read_all(session).learners}) == 4
    with app.app_context(), lrs.db.write() as session:
        erased = forget(session, AMA, catalogue)
    assert erased.statements == 14 and erased.documents == 2
    assert _count(lrs, Statement) == 2 and _count(lrs, Document) == 0
    with lrs.db.read_session() as session:
        bodies = [json.loads(b) for b in session.scalars(select(Statement.body))]
        index_rows = session.scalar(select(func.count()).select_from(StatementIndex))
        model = store.read_all(session)
    assert all("ama" not in json.dumps(b) for b in bodies)
    assert {b["verb"]["id"] for b in bodies} == {ADL + "experienced"}
    assert index_rows and index_rows <= 2 * 6  # only the two remaining statements' filter rows
    # Kofi's progress was recomputed without the statement that named Ama as instructor.
    assert all(row["completed_us"] is None for row in model.modules.values())
    assert len({key[2] for key in model.learners}) == 2


def test_forget_command_finds_a_pseudonymised_learner_from_the_plain_identifier(lrs: Lrs, app: Flask,
                                                                                course: Course) -> None:
    """``qrlrs learners forget`` hashes the actor as ingest does; the learner's progress and pairs are gone."""
    cohort.send(lrs, course)
    before_statements = _count(lrs, Statement)
    with lrs.db.read_session() as session:
        learners = {key[2] for key in store.read_all(session).learners if key[0] == 0}
        pairs = sum(store.read_pairs(session).values())
    runner = CliRunner()
    env = {"LRS_DATABASE_URL": app.config["DATABASE_URL"], "LRS_PSEUDONYM_KEY": PSEUDONYM_KEY}
    agent = json.dumps({"account": {"homePage": cohort.HOMES["ministry-gh"], "name": "g1"}})
    result = runner.invoke(main, ["learners", "forget", agent, "--yes"], env=env)
    assert result.exit_code == 0, result.output
    assert "erased:" in result.output
    g1 = [m for m in cohort.members() if m.name == "g1"]
    sent = sum(len(journey_statements(course, cohort.journey(course, m, cohort.members().index(m)))) for m in g1)
    assert _count(lrs, Statement) == before_statements - sent
    with lrs.db.read_session() as session:
        after = {key[2] for key in store.read_all(session).learners if key[0] == 0}
        pairs_after = store.read_pairs(session)
    assert len(after) == len(learners) - 1
    # g1 answered the twelve items before and after, at GH and at ZA: twelve pairs in each of three scopes.
    assert sum(pairs_after.values()) == pairs - 36
    refused = runner.invoke(main, ["learners", "forget", "not json", "--yes"], env=env)
    assert refused.exit_code == 2 and "Traceback" not in refused.output


def test_purge_erases_what_is_older_than_the_retention_period(lrs: Lrs, app: Flask, course: Course,
                                                              catalogue: Catalogue) -> None:
    """Statements stored before the cutoff go, their learners are recomputed, newer data stay."""
    lrs.tenant("ministry-gh", country="GH")
    auth = lrs.credential("ministry-gh", "statements/write")
    old = Journey(actor={"objectType": "Agent", "account": {"homePage": "https://m.example", "name": "old"}},
                  channel="xapi", language="en", start=cohort.members()[0].start,
                  outcomes={"pre-survey": {}, "human-rights": "passed"}, seed=1)
    lrs.post(auth, journey_statements(course, old))
    with lrs.db.read_session() as session:
        cutoff = int(session.scalar(select(func.max(Statement.stored_us))) or 0) + 1
    new = Journey(actor={"objectType": "Agent", "account": {"homePage": "https://m.example", "name": "new"}},
                  channel="xapi", language="en", start=cohort.members()[0].start,
                  outcomes={"pre-survey": {}, "human-rights": "passed"}, seed=2)
    kept = lrs.post(auth, journey_statements(course, new))
    with app.app_context():
        erased = purge(lrs.db, 1, catalogue, now=cutoff + 86_400_000_000)
    assert erased.statements > 0 and erased.learners == 1
    with lrs.db.read_session() as session:
        left = set(session.scalars(select(Statement.id)))
        model = store.read_all(session)
    assert left == set(kept)
    assert len({key[2] for key in model.learners}) == 1
    assert _count(lrs, AgentName) == 0


def test_purge_command_needs_a_retention_period(app: Flask) -> None:
    """Without LRS_RETENTION_DAYS or --days nothing is purged, and the command says why."""
    env = {"LRS_DATABASE_URL": app.config["DATABASE_URL"], "LRS_PSEUDONYM_KEY": PSEUDONYM_KEY}
    result = CliRunner().invoke(main, ["learners", "purge"], env=env)
    assert result.exit_code == 1 and "LRS_RETENTION_DAYS" in result.output
    result = CliRunner().invoke(main, ["learners", "purge", "--days", "30"], env=env)
    assert result.exit_code == 0 and "purged data older than 30 days: 0 statements" in result.output
