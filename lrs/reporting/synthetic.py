"""Statements shaped exactly as the course's players send them, for tests and demo data.

Each channel follows its adapter in ``qrscorm/player/static`` (``xapi-client.js`` builds
every statement; the adapters choose actor, root activity and context):

- ``xapi``: a tincan launch of the whole course (``rt-xapi.js``): root = the course, a
  registration, platform ``QualityRights``;
- ``scorm``: records forwarded from a SCORM package (``xapi-forward.js``): the actor is an
  account on the LMS's origin named by the SCORM learner id, no registration, platform
  ``QualityRights SCORM 1.2``;
- ``cmi5``: one AU per module (``rt-cmi5.js``): AU statements have the LMS's activityId as
  object and the LaunchData contextTemplate (publisher id in ``grouping``, session id),
  cmi5 and moveOn categories, masteryScore on passed/failed; a failed attempt is
  reported when its session ends, a retry is a new session; the LMS sends ``launched``.

Outcomes per lesson: ``visited`` (first page only), ``read`` (every page, no quiz),
``passed``, ``failed`` (both attempts fail: completed and failed), ``retry-passed``
(first attempt fails, second passes), ``skip`` (done elsewhere: another channel). A
survey's outcome is ``{item id: 1-5 or None}`` (None: prefer not to answer).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import typing as t
import uuid

from lrs.reporting.mapping import SYNTHETIC_EXTENSION
from qrscorm.iris import COUNTRY_EXTENSION, COURSE_VERSION_EXTENSION, module_iri

if t.TYPE_CHECKING:
    from qrscorm.source.model import Course, Module, Question

ADL = "http://adlnet.gov/expapi/"
CMI5 = "https://w3id.org/xapi/cmi5/"
CHANNELS = ("xapi", "scorm", "cmi5")
LESSON_OUTCOMES = ("visited", "read", "passed", "failed", "retry-passed")
JSON = dict[str, t.Any]


@dataclasses.dataclass
class Journey:
    """One learner's way through the course in one channel."""

    actor: JSON
    channel: str
    language: str
    start: dt.datetime
    outcomes: dict[str, t.Any]  # module id -> outcome (see the module docstring)
    version: str | None = None  # default: the course's
    country: str | None = None  # asserted in the country extension (WHO's forward keys only count it)
    synthetic: bool = False
    lms: str = "https://lms.example.edu"
    seed: int = 0


def duration(seconds: float) -> str:
    """ISO 8601 duration as ``X.duration`` writes it (hundredths of a second)."""
    cs = max(0, round(seconds * 100))
    s, f = divmod(cs, 100)
    text = "PT" + (f"{s // 3600}H" if s >= 3600 else "") + (f"{s // 60 % 60}M" if s >= 60 else "") + str(s % 60)
    return text + (f".{f:02d}" if f else "") + "S"


def iso(moment: dt.datetime) -> str:
    """A UTC timestamp as JavaScript's ``toISOString`` writes it."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class _Writer:
    """The statements of one journey, as ``X.Tracker`` builds them."""

    def __init__(self, course: Course, journey: Journey) -> None:
        self.course, self.j = course, journey
        self.rng = random.Random(journey.seed)
        self.now = journey.start
        self.out: list[JSON] = []
        self.lang = journey.language
        self.registration = str(uuid.UUID(int=self.rng.getrandbits(128), version=4)) \
            if journey.channel != "scorm" else None
        self.template: JSON = {}
        self.root: JSON = self.course_root()

    def lm(self, text: str) -> JSON:
        return {self.lang: str(text)}

    def tick(self, low: int = 20, high: int = 240) -> float:
        step = self.rng.randint(low, high)
        self.now += dt.timedelta(seconds=step, milliseconds=self.rng.randint(0, 999))
        return step

    def course_root(self) -> JSON:
        return {"id": self.course.iri_base, "definition": {
            "type": ADL + "activities/course", "name": self.lm(self.course.texts[self.lang].title)}}

    def module_object(self, m: Module) -> JSON:
        if self.j.channel == "cmi5":
            return self.root
        return {"id": module_iri(self.course.iri_base, m.id),
                "definition": {"type": ADL + "activities/module", "name": self.lm(m.texts[self.lang].title)}}

    def statement(self, verb: str, obj: JSON, result: JSON | None = None, parent: str | None = None,
                  category: list[str] | None = None) -> JSON:
        context = _copy(self.template)
        activities = context.setdefault("contextActivities", {})

        def add(name: str, ids: list[str]) -> None:
            for activity in ids:
                activities.setdefault(name, [])
                if activity != obj["id"] and not any(a["id"] == activity for a in activities[name]):
                    activities[name].append({"id": activity})

        add("parent", [parent] if parent else [])
        add("grouping", [self.course.iri_base])
        add("category", category or [])
        if self.registration:
            context.setdefault("registration", self.registration)
        context.setdefault("language", self.lang)
        context.setdefault("platform", "QualityRights SCORM 1.2" if self.j.channel == "scorm" else "QualityRights")
        extensions = context.setdefault("extensions", {})
        extensions.setdefault(COURSE_VERSION_EXTENSION, self.j.version or self.course.version)
        if self.j.country:
            extensions[COUNTRY_EXTENSION] = self.j.country
        if self.j.synthetic:
            extensions[SYNTHETIC_EXTENSION] = True
        statement = {"id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)), "actor": self.j.actor,
                     "verb": {"id": ADL + "verbs/" + verb, "display": {"en-US": verb}},
                     "object": {"objectType": "Activity", **obj}, "context": context, "timestamp": iso(self.now)}
        if result is not None:
            statement["result"] = result
        self.out.append(statement)
        return statement

    # ---- what the adapters send -------------------------------------------------------------------------
    def session_start(self, m: Module | None = None) -> float:
        self.session_t0 = self.now
        if self.j.channel == "cmi5":
            assert m is not None
            self.root = {"id": f"{self.j.lms}/au/{self.j.seed}/{m.id}", "definition": {
                "type": ADL + "activities/module", "name": self.lm(m.texts[self.lang].title)}}
            self.template = {"contextActivities": {"grouping": [{"id": module_iri(self.course.iri_base, m.id)}]},
                             "extensions": {CMI5 + "context/extensions/sessionid": str(uuid.UUID(
                                 int=self.rng.getrandbits(128), version=4))}}
            self.lms_statement("launched")
            self.tick(2, 10)
            self.statement("initialized", self.root, category=[CMI5 + "context/categories/cmi5"])
        else:
            self.statement("initialized", self.root)
        return 0.0

    def lms_statement(self, verb: str) -> None:
        statement = self.statement(verb, self.root, category=[CMI5 + "context/categories/cmi5"])
        statement["context"].pop("platform", None)

    def session_end(self) -> None:
        self.tick(5, 60)
        result = {"duration": duration((self.now - self.session_t0).total_seconds())}
        category = [CMI5 + "context/categories/cmi5"] if self.j.channel == "cmi5" else None
        self.statement("terminated", self.root, result, category=category)
        if self.j.channel == "cmi5":
            self.template = {}
            self.root = self.course_root()

    def page(self, m: Module, index: int) -> float:
        step = self.tick()
        page = m.pages[index]
        self.statement("experienced", {"id": f"{module_iri(self.course.iri_base, m.id)}/pages/{page.id}",
                                       "definition": {"type": "http://activitystrea.ms/schema/1.0/page",
                                                      "name": self.lm(page.texts[self.lang].title)}},
                       parent=self.module_object(m)["id"])
        return step

    def answer(self, m: Module, q: Question, correct: bool) -> float:
        step = self.tick(10, 90)
        texts = m.texts[self.lang].questions[q.id]
        tf = q.type == "true-false"
        definition: JSON = {"type": ADL + "activities/cmi.interaction", "name": self.lm(texts.prompt),
                            "interactionType": "true-false" if tf else "choice",
                            "correctResponsesPattern": ["[,]".join(q.correct)]}
        if not tf:
            definition["choices"] = [{"id": c, "description": self.lm(texts.choices[c])} for c in q.choices]
        if correct:
            response = list(q.correct)
        elif tf:
            response = ["false" if q.correct[0] == "true" else "true"]
        else:
            response = [next(c for c in q.choices if c not in q.correct)]
        self.statement("answered", {"id": f"{module_iri(self.course.iri_base, m.id)}/questions/{q.id}",
                                    "definition": definition},
                       {"response": "[,]".join(response), "success": correct}, parent=self.module_object(m)["id"])
        return step

    def survey_answer(self, m: Module, item_id: str, value: int | None) -> float:
        step = self.tick(5, 40)
        survey = self.course.surveys[m.survey_id or ""]
        definition = {"type": ADL + "activities/cmi.interaction", "name": self.lm(survey.texts[self.lang][item_id]),
                      "interactionType": "likert",
                      "scale": [{"id": str(n), "description": self.lm(self.course.ui[self.lang][f"likert_{n}"])}
                                for n in survey.scale]}
        self.statement("answered", {"id": f"{module_iri(self.course.iri_base, m.id)}/items/{item_id}",
                                    "definition": definition},
                       None if value is None else {"response": str(value)}, parent=self.module_object(m)["id"])
        return step

    def result(self, m: Module, seconds: float, *, completed: bool, passed: bool | None, scaled: float | None) -> None:
        cmi5 = self.j.channel == "cmi5"
        moveon = [CMI5 + "context/categories/cmi5", CMI5 + "context/categories/moveon"] if cmi5 else None
        obj = self.module_object(m)
        if completed:
            self.statement("completed", obj, {"completion": True, "duration": duration(seconds)}, category=moveon)
        if passed is not None:
            n = len(m.questions)
            statement = self.statement("passed" if passed else "failed", obj, {
                "score": {"scaled": scaled, "raw": round((scaled or 0) * n), "min": 0, "max": n},
                "success": passed, "duration": duration(seconds)}, category=moveon)
            if cmi5:
                statement["context"]["extensions"][CMI5 + "context/extensions/masteryscore"] = m.mastery_score / 100


def _copy(value: t.Any) -> t.Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _quiz(w: _Writer, m: Module, passing: bool) -> tuple[float, float]:
    """Answer every question: enough right to pass, or too few. Return (seconds, scaled score)."""
    n = len(m.questions)
    need = -(-m.mastery_score * n // 100)  # fewest right answers that pass
    right = w.rng.randint(need, n) if passing else w.rng.randint(0, max(0, need - 1))
    picks = set(w.rng.sample(range(n), right))
    seconds = sum(w.answer(m, q, i in picks) for i, q in enumerate(m.questions))
    return seconds, int(right / n * 10_000 + 1e-6) / 10_000


def journey_statements(course: Course, journey: Journey) -> list[JSON]:
    """Return the statements one journey makes, in the order the player sends them."""
    if journey.channel not in CHANNELS:
        raise ValueError(f"channel {journey.channel!r}: use one of {', '.join(CHANNELS)}")
    w = _Writer(course, journey)
    cmi5 = journey.channel == "cmi5"
    scores: dict[str, float] = {}
    if not cmi5:
        w.session_start()
    for m in course.modules:
        outcome = journey.outcomes.get(m.id)
        if outcome is None:
            break
        if outcome == "skip":  # done through another channel
            continue
        if cmi5:
            w.session_start(m)
        seconds = 0.0
        if m.kind == "survey":
            seconds += w.page(m, 0)
            for item in course.surveys[m.survey_id or ""].items:
                seconds += w.survey_answer(m, item.id, outcome.get(item.id))
            w.result(m, seconds, completed=True, passed=None, scaled=None)
        elif outcome == "visited":
            seconds += w.page(m, 0)
        else:
            seconds += sum(w.page(m, i) for i in range(len(m.pages)))
            if outcome != "read" and m.questions:
                if outcome in ("failed", "retry-passed"):
                    spent, scaled = _quiz(w, m, passing=False)
                    seconds += spent
                    if cmi5:  # the failed attempt is reported as its session ends; the retry is a new session
                        w.result(m, seconds, completed=False, passed=False, scaled=scaled)
                        w.session_end()
                        w.session_start(m)
                spent, scaled = _quiz(w, m, passing=outcome != "failed")
                seconds += spent
                scores[m.id] = scaled
                w.result(m, seconds, completed=True, passed=outcome != "failed", scaled=scaled)
            elif not m.questions:
                w.result(m, seconds, completed=True, passed=None, scaled=None)
        if cmi5:
            w.session_end()
    if not cmi5:
        _course_result(w, course, journey, scores)
        w.session_end()
    return w.out


def _course_result(w: _Writer, course: Course, journey: Journey, scores: dict[str, float]) -> None:
    """The course's own result, once every module is final (``courseResult`` of the player)."""
    if any(journey.outcomes.get(m.id) in (None, "visited", "read", "skip") for m in course.modules):
        return
    lessons = [m for m in course.modules if m.questions]
    passed = all(journey.outcomes[m.id] != "failed" for m in lessons)
    scaled = int(sum(scores.get(m.id, 0) for m in lessons) / max(1, len(lessons)) * 10_000 + 1e-6) / 10_000
    w.statement("completed", w.root, {"completion": True, "duration": duration(0)})
    w.statement("passed" if passed else "failed", w.root, {
        "score": {"scaled": scaled, "raw": int(scaled * 10_000 + 1e-6) / 100, "min": 0, "max": 100},
        "success": passed, "duration": duration(0)})
