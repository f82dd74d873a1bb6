"""The statements the benchmarks send and store: learners going through the real course.

Every statement is made by :func:`lrs.reporting.synthetic.journey_statements`, which follows
the players' adapters (SCORM forwarding, xAPI launch, cmi5 AU), over the course in
``course_src/``. The mix is fixed by a seed, so two runs store the same data:

- tenants: six ministries (one country each) and one partner university;
- channels: SCORM-forwarded 60 %, xAPI 25 %, cmi5 15 %; languages: every translated one;
- outcomes: about half finish the whole course (some fail a quiz, some pass at the second
  attempt), the others stop somewhere along the way;
- learners start over the 18 months before 2025-06-01 (statement ``timestamp``; ``stored`` is
  when the benchmark stores them).

A complete journey is about 110 statements of 1-2 KB.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import typing as t
from pathlib import Path

from common import ROOT

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from qrscorm.source.model import Course

TENANTS: tuple[tuple[str, str, str], ...] = (
    ("ministry-gh", "ministry", "GH"),
    ("ministry-in", "ministry", "IN"),
    ("ministry-br", "ministry", "BR"),
    ("ministry-fr", "ministry", "FR"),
    ("ministry-eg", "ministry", "EG"),
    ("ministry-pe", "ministry", "PE"),
    ("university-lse", "university", "GB"),
)
_CHANNELS = (("scorm", 60), ("xapi", 25), ("cmi5", 15))
_LESSON_OUTCOMES = (("passed", 80), ("retry-passed", 12), ("failed", 4), ("read", 4))
_EPOCH = dt.datetime(2023, 12, 1, tzinfo=dt.UTC)
_SPAN_SECONDS = 548 * 86_400


@functools.cache
def course() -> Course:
    """Return the course of ``course_src/`` (loaded once)."""
    from qrscorm.source.loader import load_course

    return load_course(Path(ROOT / "course_src"))


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _ in weighted], [weight for _, weight in weighted])[0]


def journey(number: int, tenant: str) -> list[dict[str, t.Any]]:
    """Return the statements of learner ``number`` of ``tenant``, in the order the player sends them."""
    from lrs.reporting.synthetic import Journey, journey_statements

    the_course = course()
    rng = random.Random(f"{tenant}/{number}")
    channel = _pick(rng, _CHANNELS)
    finish = rng.random() < 0.5
    stop = len(the_course.modules) if finish else rng.randint(1, len(the_course.modules) - 1)
    outcomes: dict[str, t.Any] = {}
    for index, module in enumerate(the_course.modules[:stop]):
        last = index == stop - 1 and not finish
        if module.kind == "survey":
            survey = the_course.surveys[module.survey_id or ""]
            shift = 0 if module.phase == "pre" else 1
            outcomes[module.id] = {item.id: (None if rng.random() < 0.05 else min(5, rng.randint(1, 4) + shift))
                                   for item in survey.items}
        else:
            outcomes[module.id] = rng.choice(("visited", "read")) if last else _pick(rng, _LESSON_OUTCOMES)
    lms = f"https://lms.{tenant}.example.org"
    return journey_statements(the_course, Journey(
        actor={"objectType": "Agent", "account": {"homePage": lms, "name": f"learner-{number}"}},
        channel=channel,
        language=rng.choice(the_course.available),
        start=_EPOCH + dt.timedelta(seconds=rng.randrange(_SPAN_SECONDS)),
        outcomes=outcomes,
        lms=lms,
        seed=rng.getrandbits(62),
    ))


def statements(tenant: str, first_learner: int = 0) -> Iterator[dict[str, t.Any]]:
    """Yield the statements of ``tenant``'s learners from ``first_learner`` on, one journey after another."""
    number = first_learner
    while True:
        yield from journey(number, tenant)
        number += 1


def take(stream: Iterator[dict[str, t.Any]], count: int) -> list[dict[str, t.Any]]:
    """Return the next ``count`` statements of ``stream``."""
    return [next(stream) for _ in range(count)]
