"""A cohort of learners with hand-computed report numbers, sent through the real LRS.

Tenants: ``ministry-gh`` (GH) and ``ministry-ke`` (KE) forward SCORM records with forward keys;
``university-za`` (ZA) launches xAPI and cmi5 packages with an ordinary credential (pseudonymising);
``who`` forwards from WHO's own LMS with a forward key that asserts the country (IN), or none.

Learners (all start with the pre-survey; "complete" = every lesson passed and the post-survey):

=========  =======  =========  ========  ==========================================================
learners   tenant   channel    language  journey
=========  =======  =========  ========  ==========================================================
g1-g7      GH       scorm      en        complete (March 2025)
g8, g9     GH       scorm      fr        complete
g10-g12    GH       scorm      en        stop at recovery (first page only)
g13, g14   GH       scorm      en        fail legal-capacity for good (completed + failed), stop
g15        GH       scorm      en        fail human-rights once, pass the retry, complete
g16        GH       scorm      en        complete; the key asserts country FR (ignored: not WHO's)
g17        GH + ZA  scorm+xapi en        pre-survey..legal-capacity at GH (March), the rest at ZA (June)
k1-k5      KE       scorm      en        complete (April)
k6         KE       scorm      en        pre-survey only
z1-z4      ZA       xapi       en        complete (April)
z5-z10     ZA       cmi5       en        complete
z11        ZA       xapi       en        complete, then ZA voids its "completed" of community-inclusion
g1 again   ZA       xapi       en        complete again (June), same LMS account: one learner for WHO
w1-w5      WHO      scorm      es        complete (May), country IN asserted
w6         WHO      scorm      es        complete, no country asserted
=========  =======  =========  ========  ==========================================================

Survey answers: agree-items 2 before and 4 after, disagree-items 4 before and 2 after (a move toward
the rights-based end for everyone); g2 prefers not to answer item 1 after, k1 before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing as t

from lrs.reporting.synthetic import Journey, journey_statements

if t.TYPE_CHECKING:
    from qrscorm.source.model import Course
    from tests.reporting.support import Lrs

UTC = dt.UTC
ITEM1 = "consent-refuse-treatment"
HOMES = {"ministry-gh": "https://moodle.gh.example", "ministry-ke": "https://moodle.ke.example",
         "university-za": "https://lms.za.example", "who": "https://academy.who.example"}

# Hand-computed from the table above. Scope "all" = every tenant, one row per learner.
STARTED = {"all": 40, "ministry-gh": 17, "ministry-ke": 6, "university-za": 13, "who": 6}
COMPLETED = {"all": 33, "ministry-gh": 11, "ministry-ke": 5, "university-za": 11, "who": 6}
COMPLETED_BY_COUNTRY = {"GH": 12, "KE": 5, "ZA": 10, "IN": 5, "": 1}
COMPLETED_BY_LANGUAGE = {"en": 25, "fr": 2, "es": 6}
COMPLETED_GRID = {("GH", "en"): 10, ("GH", "fr"): 2, ("KE", "en"): 5, ("ZA", "en"): 10, ("IN", "es"): 5,
                  ("", "es"): 1}
STARTED_BY_MONTH = {"2025-03": 17, "2025-04": 17, "2025-05": 6}
COMPLETED_BY_MONTH = {"2025-03": 11, "2025-04": 15, "2025-05": 6, "2025-06": 1}
# reached, met moveOn (every learner reaches the pre-survey; k6 stops there; g10-12 see recovery's first
# page; g13-14 fail legal-capacity; z11's completed of community-inclusion is voided)
FUNNEL = {"pre-survey": (40, 40), "human-rights": (39, 39), "mental-health-disability": (39, 39),
          "recovery": (39, 36), "legal-capacity": (36, 34), "freedom-from-coercion": (34, 34),
          "community-inclusion": (34, 33), "post-survey": (34, 34)}
ITEM1_PAIRS = {"GH": 11, "KE": 4, "ZA": 11, "IN": 5, "": 1}  # learners with both answers to item 1


@dataclasses.dataclass(frozen=True)
class Member:
    """One journey of the cohort."""

    name: str
    tenant: str
    channel: str
    language: str
    start: dt.datetime
    plan: str  # complete, stop-recovery, fail-legal, retry, first-part, second-part, pre-only
    country: str | None = None


def members() -> list[Member]:
    """Every journey of the cohort, in the order they are sent."""
    march, april, may, june = (dt.datetime(2025, m, 3, 9, tzinfo=UTC) for m in (3, 4, 5, 6))
    out = [Member(f"g{i}", "ministry-gh", "scorm", "en", march, "complete") for i in range(1, 8)]
    out += [Member(f"g{i}", "ministry-gh", "scorm", "fr", march, "complete") for i in (8, 9)]
    out += [Member(f"g{i}", "ministry-gh", "scorm", "en", march, "stop-recovery") for i in (10, 11, 12)]
    out += [Member(f"g{i}", "ministry-gh", "scorm", "en", march, "fail-legal") for i in (13, 14)]
    out += [Member("g15", "ministry-gh", "scorm", "en", march, "retry"),
            Member("g16", "ministry-gh", "scorm", "en", march, "complete", country="FR"),
            Member("g17", "ministry-gh", "scorm", "en", march, "first-part")]
    out += [Member(f"k{i}", "ministry-ke", "scorm", "en", april, "complete") for i in range(1, 6)]
    out += [Member("k6", "ministry-ke", "scorm", "en", april, "pre-only")]
    out += [Member(f"z{i}", "university-za", "xapi", "en", april, "complete") for i in range(1, 5)]
    out += [Member(f"z{i}", "university-za", "cmi5", "en", april, "complete") for i in range(5, 11)]
    out += [Member("z11", "university-za", "xapi", "en", april, "complete"),
            Member("g17", "university-za", "xapi", "en", june, "second-part"),
            Member("g1", "university-za", "xapi", "en", june + dt.timedelta(days=2), "complete")]
    out += [Member(f"w{i}", "who", "scorm", "es", may, "complete", country="IN") for i in range(1, 6)]
    out += [Member("w6", "who", "scorm", "es", may, "complete")]
    return out


def _answers(course: Course, name: str, phase: str) -> dict[str, int | None]:
    values: dict[str, int | None] = {}
    for item in course.surveys["attitudes"].items:
        agree = item.direction == "agree"
        values[item.id] = (2 if agree else 4) if phase == "pre" else (4 if agree else 2)
    if (name, phase) in (("g2", "post"), ("k1", "pre")):
        values[ITEM1] = None
    return values


def outcomes(course: Course, member: Member) -> dict[str, t.Any]:
    """The module outcomes of one journey."""
    lessons = [m.id for m in course.modules if m.kind == "lesson"]
    plan: dict[str, t.Any] = {"pre-survey": _answers(course, member.name, "pre")}
    if member.plan == "pre-only":
        return plan
    for module in lessons:
        plan[module] = "passed"
    if member.plan == "retry":
        plan["human-rights"] = "retry-passed"
    if member.plan == "stop-recovery":
        plan = {k: v for k, v in plan.items() if k not in lessons[3:]}
        plan["recovery"] = "visited"
        return plan
    if member.plan == "fail-legal":
        plan = {k: v for k, v in plan.items() if k not in lessons[4:]}
        plan["legal-capacity"] = "failed"
        return plan
    if member.plan == "first-part":
        return {k: v for k, v in plan.items() if k not in lessons[4:]}
    if member.plan == "second-part":
        plan = {k: ("skip" if k in lessons[:4] or k == "pre-survey" else v) for k, v in plan.items()}
    plan["post-survey"] = _answers(course, member.name, "post")
    return plan


def journey(course: Course, member: Member, seed: int) -> Journey:
    """The Journey (statement generator input) of one member."""
    actor = {"objectType": "Agent", "account": {"homePage": HOMES["ministry-gh" if member.name in ("g1", "g17")
                                                             else member.tenant], "name": member.name}}
    return Journey(actor=actor, channel=member.channel, language=member.language, start=member.start,
                   outcomes=outcomes(course, member), country=member.country, seed=seed)


def send(lrs: Lrs, course: Course) -> dict[str, list[dict[str, t.Any]]]:
    """Create the tenants and credentials, send every journey; return the statements by learner name."""
    lrs.tenant("ministry-gh", country="GH")
    lrs.tenant("ministry-ke", country="KE")
    lrs.tenant("university-za", kind="university", country="ZA")
    lrs.tenant("who", kind="who")
    auth = {"ministry-gh": lrs.credential("ministry-gh", "statements/write", kind="forward"),
            "ministry-ke": lrs.credential("ministry-ke", "statements/write", kind="forward"),
            "university-za": lrs.credential("university-za", "statements/write", "statements/read/mine"),
            "who": lrs.credential("who", "statements/write", kind="forward")}
    sent: dict[str, list[dict[str, t.Any]]] = {}
    for seed, member in enumerate(members()):
        statements = journey_statements(course, journey(course, member, seed))
        lrs.post(auth[member.tenant], statements)
        sent.setdefault(member.name, []).extend(statements)
    z11 = [s for s in sent["z11"] if s["verb"]["id"].endswith("/completed")
           and s["object"]["id"].endswith("/modules/community-inclusion")]
    assert len(z11) == 1
    lrs.post(auth["university-za"], [{
        "actor": {"objectType": "Agent", "account": {"homePage": HOMES["university-za"], "name": "lms-admin"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": z11[0]["id"]}}])
    return sent
