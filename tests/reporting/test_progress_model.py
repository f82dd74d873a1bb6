"""The progress model kept on ingest gives the hand-computed numbers of the cohort (tests/reporting/cohort.py).

Statements come from the generator that follows the players' statement shapes (xAPI, SCORM forwarding,
cmi5) and go through the LRS's HTTP API. Voiding follows xAPI Data §2.3.2; cmi5 statements are mapped
through the publisher id in ``context.contextActivities.grouping`` (cmi5 §9.6.2.2).
"""

from __future__ import annotations

import typing as t

from sqlalchemy import select

from lrs.models import Tenant
from lrs.reporting import progress, queries, store
from lrs.reporting.ingest import rebuild
from lrs.reporting.mapping import learner_hash
from lrs.reporting.progress import ALL_TENANTS
from tests.reporting import cohort

if t.TYPE_CHECKING:
    from flask import Flask

    from lrs.reporting.catalogue import Catalogue
    from qrscorm.source.model import Course
    from tests.reporting.support import Lrs


def _scopes(lrs: Lrs) -> dict[str, int]:
    with lrs.db.read_session() as session:
        ids = {name: tid for tid, name in session.execute(select(Tenant.id, Tenant.name))}
    return {"all": ALL_TENANTS, **ids}


def _month(month: int) -> str:
    return f"{month // 100}-{month % 100:02d}"


def test_cohort_numbers_match_hand_computed(lrs: Lrs, course: Course, catalogue: Catalogue) -> None:
    """Started, completed (by country, language, month), the funnel and survey pairs, per scope."""
    cohort.send(lrs, course)
    scopes = _scopes(lrs)
    with lrs.db.read_session() as session:
        for scope, sid in scopes.items():
            started = queries.learners_by(session, sid, catalogue.course, completed=False)
            completed = queries.learners_by(session, sid, catalogue.course, completed=True)
            assert sum(started.values()) == cohort.STARTED[scope], scope
            assert sum(completed.values()) == cohort.COMPLETED[scope], scope
        everyone = queries.learners_by(session, ALL_TENANTS, catalogue.course, completed=True)
        assert everyone == cohort.COMPLETED_GRID
        by_country: dict[str, int] = {}
        by_language: dict[str, int] = {}
        for (country, language), n in everyone.items():
            by_country[country] = by_country.get(country, 0) + n
            by_language[language] = by_language.get(language, 0) + n
        assert by_country == cohort.COMPLETED_BY_COUNTRY
        assert by_language == cohort.COMPLETED_BY_LANGUAGE
        series = queries.monthly(session, ALL_TENANTS, catalogue.course)
        assert {_month(m): n for m, n in series["started"].items()} == cohort.STARTED_BY_MONTH
        assert {_month(m): n for m, n in series["completed"].items()} == cohort.COMPLETED_BY_MONTH
        funnel = queries.funnel(session, ALL_TENANTS, catalogue.course)
        assert {m: (v["reached"], v["completed"]) for m, v in funnel.items()} == cohort.FUNNEL
        pairs = queries.answer_pairs(session, ALL_TENANTS, catalogue.course)
        item1 = {country: sum(counts.values()) for (item, country), counts in pairs.items() if item == cohort.ITEM1}
        assert item1 == cohort.ITEM1_PAIRS
        # Everyone moved two steps toward the rights-based answer.
        assert all(set(counts) == {(2, 4)} for (item, _), counts in pairs.items() if item == cohort.ITEM1)
        assert queries.completions_by_version(session, ALL_TENANTS, catalogue.course) == {"1.0.0": 33}


def test_cohort_two_channels_same_actor_one_learner(lrs: Lrs, course: Course, catalogue: Catalogue) -> None:
    """g1 came through GH's SCORM forwarding and ZA's xAPI launch: two tenant rows, one row for WHO."""
    cohort.send(lrs, course)
    scopes = _scopes(lrs)
    with lrs.db.read_session() as session:
        model = store.read_all(session)
    pseudonyms = {key[2] for key in model.learners}
    assert len({key[2] for key in model.learners if key[0] == ALL_TENANTS}) == cohort.STARTED["all"]
    g1_rows = [key for key in model.learners if key[0] in (scopes["ministry-gh"], scopes["university-za"])]
    shared = {key[2] for key in g1_rows if key[0] == scopes["ministry-gh"]} & \
        {key[2] for key in g1_rows if key[0] == scopes["university-za"]}
    assert len(shared) == 2  # g1 and g17
    for learner in shared:
        assert model.learners[(ALL_TENANTS, catalogue.course, learner)]["country"] == "GH"
    # g17 completed only by putting both channels together, so only WHO's scope counts it.
    g17 = [learner for learner in shared
           if model.learners[(scopes["ministry-gh"], catalogue.course, learner)]["completed_us"] is None]
    assert len(g17) == 1
    assert model.learners[(ALL_TENANTS, catalogue.course, g17[0])]["completed_month"] == 202506
    assert model.learners[(scopes["university-za"], catalogue.course, g17[0])]["completed_us"] is None
    # No identifier is kept: the learner column is a digest of the pseudonym, never the LMS account.
    assert all(len(p) == 64 and "moodle" not in p for p in pseudonyms)


def test_cohort_rebuild_gives_the_same_tables(lrs: Lrs, course: Course, catalogue: Catalogue) -> None:
    """``qrlrs reports rebuild`` recomputes from stored statements exactly what ingest kept (voiding included)."""
    cohort.send(lrs, course)
    with lrs.db.read_session() as session:
        kept, kept_pairs, kept_counts = store.read_all(session), store.read_pairs(session), store.read_counts(session)
    with lrs.app.app_context(), lrs.db.write() as session:
        store.delete_all(session)  # nothing left from ingest
    with lrs.app.app_context(), lrs.db.write() as session:
        rebuild(session, catalogue)
    with lrs.db.read_session() as session:
        rebuilt, rebuilt_pairs = store.read_all(session), store.read_pairs(session)
        rebuilt_counts = store.read_counts(session)
    assert rebuilt.learners == kept.learners
    assert rebuilt.modules == kept.modules
    assert rebuilt.answers == kept.answers
    assert rebuilt.names == kept.names
    assert rebuilt_pairs == kept_pairs
    assert rebuilt_counts == kept_counts
    # The counts kept on ingest are the learner rows counted afresh.
    assert kept_counts == {k: n for k, n in progress.counts(kept).items() if n}
    assert sum(n for key, n in kept_pairs.items() if key[0] == ALL_TENANTS and key[2] == cohort.ITEM1) == 32


def test_voiding_a_completion_removes_it_and_keeps_the_rest(lrs: Lrs, course: Course, catalogue: Catalogue) -> None:
    """Data §2.3.2: a voided statement no longer counts; the learner is recomputed from what remains."""
    from lrs.reporting.synthetic import journey_statements

    lrs.tenant("university-za", kind="university", country="ZA")
    auth = lrs.credential("university-za", "statements/write")
    member = cohort.Member("solo", "university-za", "cmi5", "en", cohort.members()[0].start, "complete")
    statements = journey_statements(course, cohort.journey(course, member, 7))
    lrs.post(auth, statements)
    key = (ALL_TENANTS, catalogue.course, learner_hash(
        f"account:{lrs.app.config['PSEUDONYM_HOMEPAGE']}|" + _pseudonym(lrs, statements[0]["actor"])))
    with lrs.db.read_session() as session:
        before = store.read_all(session)
    assert before.learners[key]["completed_us"] is not None
    # cmi5: the AU's statements have the LMS's object id; the passed of module 3 is found through grouping.
    passed = [s for s in statements if s["verb"]["id"].endswith("/passed")
              and s["context"]["contextActivities"]["grouping"][0]["id"].endswith("/modules/recovery")]
    assert len(passed) == 1 and "/modules/" not in passed[0]["object"]["id"]
    lrs.post(auth, [{"actor": statements[0]["actor"], "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                     "object": {"objectType": "StatementRef", "id": passed[0]["id"]}}])
    with lrs.db.read_session() as session:
        after = store.read_all(session)
    assert after.learners[key]["completed_us"] is None
    module = after.modules[(*key, "recovery")]
    assert module["passed_us"] is None and module["met_us"] is None and module["completed_us"] is not None
    assert after.modules[(*key, "human-rights")] == before.modules[(*key, "human-rights")]


def _pseudonym(lrs: Lrs, agent: dict[str, t.Any]) -> str:
    from lrs.pseudonyms import pseudonym_name

    with lrs.app.app_context():
        return pseudonym_name(agent)


def test_statements_outside_the_course_and_groups_are_ignored(lrs: Lrs, app: Flask) -> None:
    """Only Agent actors and activities under the course's IRI base make progress rows."""
    lrs.tenant("ministry-gh", country="GH")
    auth = lrs.credential("ministry-gh", "statements/write")
    actor = {"objectType": "Agent", "mbox": "mailto:someone@example.org"}
    lrs.post(auth, [
        {"actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
         "object": {"id": "https://example.org/another-course/modules/human-rights"}},
        {"actor": {"objectType": "Group", "member": [actor]}, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
         "object": {"id": "https://qualityrights.who.int/xapi/activities/qualityrights/modules/human-rights"}},
    ])
    with lrs.db.read_session() as session:
        assert store.read_all(session).learners == {}
