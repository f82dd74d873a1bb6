"""Measure statement validation throughput (target: far above the LRS's 2,000 statements/s).

Run: ``.venv/bin/python bench/bench_statement_validation.py``. Prints statements per
second for a typical tracking Statement (an answered multiple-choice question with
result, context and registration), single and in batches of 50, for xAPI 1.0.3 and 2.0.
"""

from __future__ import annotations

import copy
import time
import uuid

from lrs.schemas import validate_statement, validate_statement_batch

TYPICAL = {
    "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
    "timestamp": "2024-05-18T12:17:00.123+00:00",
    "actor": {"objectType": "Agent", "name": "Learner 17", "account": {
        "homePage": "https://lms.health.example.org", "name": "learner-17"}},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
    "object": {
        "objectType": "Activity",
        "id": "https://qualityrights.who.int/xapi/module-2/quiz/q3",
        "definition": {
            "name": {"en": "Question 3", "fr": "Question 3"},
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": "choice",
            "correctResponsesPattern": ["b"],
            "choices": [
                {"id": "a", "description": {"en": "Seclusion is a treatment"}},
                {"id": "b", "description": {"en": "Seclusion violates rights"}},
            ],
        },
    },
    "result": {
        "score": {"scaled": 1.0, "raw": 1, "min": 0, "max": 1},
        "success": True,
        "completion": True,
        "response": "b",
        "duration": "PT42.5S",
    },
    "context": {
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "contextActivities": {
            "parent": [{"id": "https://qualityrights.who.int/xapi/module-2/quiz"}],
            "grouping": [{"id": "https://qualityrights.who.int/xapi"}],
            "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}],
        },
        "language": "en",
        "extensions": {"https://qualityrights.who.int/xapi/ext/country": "GH"},
    },
}


def _rate(function, argument, version: str, per_call: int, seconds: float = 1.5) -> float:
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(100):
            function(argument, version)
        calls += 100
    return calls * per_call / (time.perf_counter() - start)


def main() -> None:
    """Print statements/s for single Statements and for batches of 50."""
    batch = []
    for _ in range(50):
        statement = copy.deepcopy(TYPICAL)
        statement["id"] = str(uuid.uuid4())
        batch.append(statement)
    for version in ("1.0.3", "2.0.0"):
        single = _rate(validate_statement, TYPICAL, version, 1)
        batched = _rate(validate_statement_batch, batch, version, 50)
        print(f"xAPI {version}: {single:,.0f} statements/s single, {batched:,.0f} statements/s in batches of 50")


if __name__ == "__main__":
    main()
