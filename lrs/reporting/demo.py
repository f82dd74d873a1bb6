"""``qrlrs demo``: a demo database of synthetic learners, sent through the real LRS.

Tenants: ministries (SCORM packages forwarding to the LRS with a forward key), partner
universities (xAPI and cmi5 launches), and WHO (a forward key of WHO's own LMS, which may
assert each learner's country). Learners start over the last 15 months, more of them
recently; they stop at every stage of the course, fail and retry quizzes, and answer the
attitude survey before and, if they finish, after the course, with a modest shift toward
the rights-based answers. A few come through two channels under the same actor, and are
counted once. Every statement carries the synthetic context extension and the database
is marked synthetic: a real deployment ignores such statements, and ``qrlrs demo`` never
writes into a database that holds real statements.

The statements are the players' own shapes (:mod:`lrs.reporting.synthetic`) and go
through the LRS's HTTP API (validation, pseudonymisation, storage, the reporting hook).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import random
import typing as t

from sqlalchemy import func, select

from lrs.auth import create_credential, now_us
from lrs.models import Statement, Tenant
from lrs.reporting.ingest import SYNTHETIC_KEY, is_synthetic
from lrs.reporting.models import ReportMeta
from lrs.reporting.synthetic import Journey, journey_statements
from lrs.restrictions import forward_restrictions

if t.TYPE_CHECKING:
    from flask import Flask

    from qrscorm.source.model import Course


class DemoError(RuntimeError):
    """The demo database cannot be seeded (it holds real data, or is already seeded)."""


@dataclasses.dataclass(frozen=True)
class DemoTenant:
    """A tenant of the demo and how its learners arrive."""

    name: str
    kind: str
    country: str
    languages: tuple[str, ...]
    channels: tuple[str, ...]
    weight: float
    home: str
    asserted: tuple[str, ...] = ()  # countries WHO's forward key asserts


TENANTS = (
    DemoTenant("ministry-gh", "ministry", "GH", ("en",), ("scorm",), 3.0, "https://elearning.health.gov.gh"),
    DemoTenant("ministry-ke", "ministry", "KE", ("en",), ("scorm",), 2.5, "https://lms.health.go.ke"),
    DemoTenant("ministry-sn", "ministry", "SN", ("fr",), ("scorm",), 2.0, "https://formation.sante.gouv.sn"),
    DemoTenant("ministry-ma", "ministry", "MA", ("ar", "fr"), ("scorm",), 2.0, "https://moodle.sante.gov.ma"),
    DemoTenant("ministry-eg", "ministry", "EG", ("ar",), ("scorm",), 2.0, "https://learning.mohp.gov.eg"),
    DemoTenant("ministry-co", "ministry", "CO", ("es",), ("scorm",), 2.0, "https://campus.minsalud.gov.co"),
    DemoTenant("ministry-pe", "ministry", "PE", ("es",), ("scorm",), 1.2, "https://aula.minsa.gob.pe"),
    DemoTenant("university-cape", "university", "ZA", ("en",), ("xapi", "cmi5"), 1.0, "https://lms.uct.example.ac.za"),
    DemoTenant("university-lyon", "university", "FR", ("fr",), ("cmi5",), 0.8, "https://moodle.lyon.example.fr"),
    DemoTenant("who-academy", "who", "", ("en", "fr", "es", "ar"), ("scorm",), 1.5, "https://academy.who.example",
               ("IN", "PH", "JO", "TN")),
)
# Where learners stop: a weight per last module reached (the rest finish the course).
_STOPS = (("pre-survey", 0.10), ("human-rights", 0.12), ("mental-health-disability", 0.07), ("recovery", 0.06),
          ("legal-capacity", 0.05), ("freedom-from-coercion", 0.04), ("community-inclusion", 0.04))


def _outcomes(course: Course, rng: random.Random) -> dict[str, t.Any]:
    survey = course.surveys["attitudes"]
    pre, post = {}, {}
    for item in survey.items:
        base = rng.choices((1, 2, 3, 4, 5), weights=(2, 3, 3, 3, 2))[0]
        toward = 1 if item.direction == "agree" else -1
        moved = base + toward * rng.choices((-1, 0, 1, 2), weights=(1, 5, 4, 1))[0]
        pre[item.id] = None if rng.random() < 0.03 else base
        post[item.id] = None if rng.random() < 0.03 else min(5, max(1, moved))
    stop_at = rng.choices([s for s, _ in _STOPS] + ["finish"], weights=[w for _, w in _STOPS] + [0.52])[0]
    outcomes: dict[str, t.Any] = {}
    for module in course.modules:
        if module.kind == "survey":
            outcomes[module.id] = pre if module.phase == "pre" else post
        elif module.id == stop_at:
            outcomes[module.id] = rng.choice(("visited", "read", "failed"))
        else:
            outcomes[module.id] = rng.choices(("passed", "retry-passed", "failed"), weights=(80, 16, 4))[0]
        if module.id == stop_at:
            break
    return outcomes


def _start(rng: random.Random, now: dt.datetime) -> dt.datetime:
    # Adoption grows: the start is drawn with a density that rises toward now.
    days = 455 * (1 - rng.random() ** 0.6)
    return now - dt.timedelta(days=days, seconds=rng.randint(0, 86_399))


def _credentials(app: Flask) -> dict[str, str]:
    """Create the demo tenants and one credential each; return tenant -> Authorization header."""
    out: dict[str, str] = {}
    db = app.extensions["lrs.db"]
    with db.write() as session:
        for spec in TENANTS:
            tenant = Tenant(name=spec.name, kind=spec.kind, country=spec.country, pseudonymise=True,
                            created_us=now_us())
            session.add(tenant)
            session.flush()
            if spec.channels == ("scorm",):
                rules = forward_restrictions(_course_iri(app), rate_per_minute=10**7)
                credential, secret = create_credential(session, tenant, ("statements/write",), kind="forward",
                                                       label="demo forward key", restrictions=rules)
            else:
                credential, secret = create_credential(session, tenant, ("statements/write",), label="demo")
            out[spec.name] = "Basic " + base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
    return out


def _course_iri(app: Flask) -> str:
    catalogue = app.extensions["lrs.reporting"].catalogue()
    return str(catalogue.iri_base)


def seed(app: Flask, course: Course, *, learners: int, seed: int = 2025,
         now: dt.datetime | None = None) -> dict[str, int]:
    """Fill the (migrated, empty) database of ``app`` with the demo; return counts.

    Call it outside any app context: each request must have its own (and its own ``g``).

    Raises:
        DemoError: the database already holds statements.
    """
    db = app.extensions["lrs.db"]
    with db.write() as session:
        stored = session.scalar(select(func.count()).select_from(Statement))
        if stored:
            kind = "the demo" if is_synthetic(session) else "real statements"
            raise DemoError(f"database {db.engine.url!r} already holds {stored} statements ({kind}); "
                            "give another --database, or delete this one to seed it again")
        session.merge(ReportMeta(key=SYNTHETIC_KEY, value="true"))
    app.extensions["lrs.reporting"].synthetic.clear()
    auth = _credentials(app)
    rng = random.Random(seed)
    now = now or dt.datetime.now(dt.UTC)
    client = app.test_client()
    weights = [spec.weight for spec in TENANTS]
    counts = {"learners": 0, "statements": 0, "two_channel": 0}
    for number in range(learners):
        spec = rng.choices(TENANTS, weights=weights)[0]
        actor = {"objectType": "Agent", "account": {"homePage": spec.home, "name": f"learner-{number:05d}"}}
        journeys = [Journey(actor=actor, channel=rng.choice(spec.channels), language=rng.choice(spec.languages),
                            start=_start(rng, now), outcomes=_outcomes(course, rng), synthetic=True, seed=number,
                            country=rng.choice(spec.asserted) if spec.asserted else None)]
        tenants = [spec]
        if spec.kind == "ministry" and spec.country == "GH" and rng.random() < 0.08:
            # The same learner, with the same LMS account, also takes the course through a university
            # channel that pseudonymises alike: one learner in WHO's totals.
            other = next(s for s in TENANTS if s.name == "university-cape")
            journeys.append(dataclasses.replace(journeys[0], channel="xapi", seed=number + 1_000_000,
                                                start=journeys[0].start + dt.timedelta(days=3)))
            tenants.append(other)
            counts["two_channel"] += 1
        for tenant, journey in zip(tenants, journeys, strict=True):
            statements = journey_statements(course, journey)
            for start in range(0, len(statements), 50):
                response = client.post("/xapi/statements", json=statements[start:start + 50], headers={
                    "Authorization": auth[tenant.name], "X-Experience-API-Version": "1.0.3"})
                if response.status_code != 200:
                    raise DemoError(f"the LRS refused demo statements of {tenant.name} ({journey.channel}, "
                                    f"{response.status_code}): "
                                    f"{response.get_data(as_text=True)[:300]}")
            counts["statements"] += len(statements)
        counts["learners"] += 1
    return counts
