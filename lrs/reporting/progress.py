"""The progress model in memory: rows of learners, modules, survey answers; fold and finish.

One set of pure functions decides every value, whether statements arrive one batch at a
time (:mod:`lrs.reporting.ingest`) or all at once (``qrlrs reports rebuild``), so both give
the same tables. Every value is a minimum, a maximum or the value of the earliest or
latest statement by (time, statement id): none depends on the order statements arrive in.

Each observation is folded into two scopes: its tenant's and ``0`` (every tenant).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import typing as t

if t.TYPE_CHECKING:
    from lrs.reporting.catalogue import Catalogue
    from lrs.reporting.mapping import Observation

ALL_TENANTS = 0
LearnerKey = tuple[int, str, str]  # scope, course, learner
ModuleKey = tuple[int, str, str, str]  # + module
AnswerKey = tuple[int, str, str, str, str]  # + item, phase
NameKey = tuple[int, str, str]  # scope, course, module
PairKey = tuple[int, str, str, str, int, int]  # scope, course, item, country, pre value, post value
CountKey = tuple[int, str, str, str, str]  # scope, course, kind, key1, key2
Row = dict[str, t.Any]

LEARNER_COLUMNS = ("country", "country_order", "language", "version", "first_us", "first_order", "last_us",
                   "last_order", "started_month", "completed_us", "completed_month")
MODULE_COLUMNS = ("first_us", "last_us", "completed_us", "passed_us", "failed_us", "best_score", "seconds", "met_us")
ANSWER_COLUMNS = ("value", "answer_order")
NAME_COLUMNS = ("name", "name_order")


def month_of(us: int) -> int:
    """Return ``YYYYMM`` of a time in microseconds since the epoch (UTC)."""
    day = dt.datetime.fromtimestamp(us / 1_000_000, tz=dt.UTC)
    return day.year * 100 + day.month


def _min(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: t.Any, b: t.Any) -> t.Any:
    return b if a is None else a if b is None else max(a, b)


@dataclasses.dataclass
class Model:
    """Rows of the progress tables for some learners, keyed by their primary keys."""

    learners: dict[LearnerKey, Row] = dataclasses.field(default_factory=dict)
    modules: dict[ModuleKey, Row] = dataclasses.field(default_factory=dict)
    answers: dict[AnswerKey, Row] = dataclasses.field(default_factory=dict)
    names: dict[NameKey, Row] = dataclasses.field(default_factory=dict)

    def modules_of(self, key: LearnerKey) -> list[tuple[str, Row]]:
        """Return (module, row) of one learner."""
        return [(k[3], row) for k, row in self.modules.items() if k[:3] == key]


def fold(model: Model, obs: Observation) -> list[LearnerKey]:
    """Add one observation to the model in its tenant's scope and in scope 0; return the learner keys."""
    keys = []
    for scope in (obs.tenant_id, ALL_TENANTS):
        key = (scope, obs.course, obs.learner)
        keys.append(key)
        _fold_learner(model.learners, key, obs)
        if obs.module is not None:
            _fold_module(model.modules, (*key, obs.module), obs)
            if obs.module_name and obs.module_name.strip():
                name_key = (scope, obs.course, obs.module)
                row = model.names.get(name_key)
                if row is None or obs.order > row["name_order"]:
                    model.names[name_key] = {"name": obs.module_name, "name_order": obs.order}
        if obs.answered and obs.item and obs.phase:
            answer_key = (*key, obs.item, obs.phase)
            row = model.answers.get(answer_key)
            if row is None or obs.order > row["answer_order"]:
                model.answers[answer_key] = {"value": obs.value, "answer_order": obs.order}
    return keys


def _fold_learner(rows: dict[LearnerKey, Row], key: LearnerKey, obs: Observation) -> None:
    row = rows.get(key)
    if row is None:
        rows[key] = {
            "country": obs.country, "country_order": obs.order if obs.country else "",
            "language": obs.language, "version": obs.version,
            "first_us": obs.at_us, "first_order": obs.order, "last_us": obs.at_us, "last_order": obs.order,
            "started_month": month_of(obs.at_us), "completed_us": None, "completed_month": None,
        }
        return
    if obs.country and (not row["country_order"] or obs.order < row["country_order"]):
        row["country"], row["country_order"] = obs.country, obs.order
    if obs.order < row["first_order"]:
        row["first_us"], row["first_order"], row["started_month"] = obs.at_us, obs.order, month_of(obs.at_us)
    if obs.order > row["last_order"]:
        row.update(last_us=obs.at_us, last_order=obs.order, language=obs.language, version=obs.version)


def _fold_module(rows: dict[ModuleKey, Row], key: ModuleKey, obs: Observation) -> None:
    row = rows.get(key)
    if row is None:
        row = rows[key] = {"first_us": obs.at_us, "last_us": obs.at_us, "completed_us": None, "passed_us": None,
                           "failed_us": None, "best_score": None, "seconds": 0, "met_us": None}
    row["first_us"] = min(row["first_us"], obs.at_us)
    row["last_us"] = max(row["last_us"], obs.at_us)
    if obs.result is not None:
        column = f"{obs.result}_us"
        row[column] = _min(row[column], obs.at_us)
        row["best_score"] = _max(row["best_score"], obs.score)
        row["seconds"] = max(row["seconds"], obs.seconds or 0)


def finish(model: Model, catalogue: Catalogue, keys: t.Iterable[LearnerKey]) -> None:
    """Decide moveOn of every module and completion of the course for the learners ``keys``."""
    by_learner: dict[LearnerKey, list[tuple[str, Row]]] = {}
    wanted = set(keys)
    for module_key, module_row in model.modules.items():
        if module_key[:3] in wanted:
            by_learner.setdefault(module_key[:3], []).append((module_key[3], module_row))
    for key in wanted:
        learner = model.learners.get(key)
        if learner is None:
            continue
        met: dict[str, int | None] = {}
        for module, row in by_learner.get(key, ()):
            info = catalogue.module(module)
            if info is not None and info.has_quiz:
                done = row["completed_us"] is not None and row["passed_us"] is not None
                row["met_us"] = max(row["completed_us"], row["passed_us"]) if done else None
            else:
                row["met_us"] = row["completed_us"]
            met[module] = row["met_us"]
        required = catalogue.required(learner["version"])
        times = [met.get(module) for module in required]
        if required and all(time is not None for time in times):
            learner["completed_us"] = max(t.cast("list[int]", times))
            learner["completed_month"] = month_of(learner["completed_us"])
        else:
            learner["completed_us"] = learner["completed_month"] = None


def pairs(model: Model, keys: t.Collection[LearnerKey] | None = None) -> collections.Counter[PairKey]:
    """Count the (pre, post) answer pairs of the learners ``keys`` (all when None), by item and country."""
    out: collections.Counter[PairKey] = collections.Counter()
    for (scope, course, learner, item, phase), row in model.answers.items():
        if phase != "pre" or row["value"] is None or (keys is not None and (scope, course, learner) not in keys):
            continue
        post = model.answers.get((scope, course, learner, item, "post"))
        learner_row = model.learners.get((scope, course, learner))
        if post is not None and post["value"] is not None and learner_row is not None:
            out[(scope, course, item, learner_row["country"], row["value"], post["value"])] += 1
    return out


def counts(model: Model, keys: t.Collection[LearnerKey] | None = None) -> collections.Counter[CountKey]:
    """Count the learners ``keys`` (all when None) by every report dimension (``report_count``)."""
    out: collections.Counter[CountKey] = collections.Counter()
    for key, row in model.learners.items():
        if keys is not None and key not in keys:
            continue
        scope, course, _ = key
        out[(scope, course, "started", row["country"], row["language"])] += 1
        out[(scope, course, "started_month", str(row["started_month"]), "")] += 1
        if row["completed_us"] is not None:
            out[(scope, course, "completed", row["country"], row["language"])] += 1
            out[(scope, course, "completed_month", str(row["completed_month"]), "")] += 1
            out[(scope, course, "completed_version", row["version"], "")] += 1
    for module_key, module_row in model.modules.items():
        if keys is not None and module_key[:3] not in keys:
            continue
        scope, course, _, module = module_key
        out[(scope, course, "reached", module, "")] += 1
        if module_row["met_us"] is not None:
            out[(scope, course, "met", module, "")] += 1
    return out
