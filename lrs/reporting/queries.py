"""Aggregates of the progress model for one scope and course (never a scan of statements).

Every function returns raw counts; :mod:`lrs.reporting.reports` suppresses them before
anything is published. Each query reads one scope's rows through the leading columns of
the tables' primary keys ``(scope_id, course, …)``.
"""

from __future__ import annotations

import typing as t

from sqlalchemy import func, select

from lrs.reporting.models import ReportLearner, ReportModule, ReportModuleName, ReportPair

if t.TYPE_CHECKING:
    from sqlalchemy.orm import Session

_L = ReportLearner.__table__
_M = ReportModule.__table__
_P = ReportPair.__table__
_N = ReportModuleName.__table__


def learners_by(session: Session, scope_id: int, course: str, *, completed: bool) -> dict[tuple[str, str], int]:
    """Return learners (started, or completed) by (country, language)."""
    query = (select(_L.c.country, _L.c.language, func.count())
             .where(_L.c.scope_id == scope_id, _L.c.course == course)
             .group_by(_L.c.country, _L.c.language))
    if completed:
        query = query.where(_L.c.completed_us.is_not(None))
    return {(country, language): int(n) for country, language, n in session.execute(query)}


def monthly(session: Session, scope_id: int, course: str) -> dict[str, dict[int, int]]:
    """Return learners started and completed per month (``YYYYMM``)."""
    started = session.execute(
        select(_L.c.started_month, func.count()).where(_L.c.scope_id == scope_id, _L.c.course == course)
        .group_by(_L.c.started_month)).all()
    completed = session.execute(
        select(_L.c.completed_month, func.count())
        .where(_L.c.scope_id == scope_id, _L.c.course == course, _L.c.completed_month.is_not(None))
        .group_by(_L.c.completed_month)).all()
    return {"started": {int(m): int(n) for m, n in started}, "completed": {int(m): int(n) for m, n in completed}}


def completions_by_version(session: Session, scope_id: int, course: str) -> dict[str, int]:
    """Return completions per course version."""
    rows = session.execute(
        select(_L.c.version, func.count())
        .where(_L.c.scope_id == scope_id, _L.c.course == course, _L.c.completed_us.is_not(None))
        .group_by(_L.c.version)).all()
    return {str(version): int(n) for version, n in rows}


def funnel(session: Session, scope_id: int, course: str) -> dict[str, dict[str, int]]:
    """Return per module how many learners reached it, completed it (moveOn met), passed and failed it."""
    rows = session.execute(
        select(_M.c.module, func.count(), func.count(_M.c.met_us), func.count(_M.c.passed_us),
               func.count(_M.c.failed_us))
        .where(_M.c.scope_id == scope_id, _M.c.course == course).group_by(_M.c.module)).all()
    return {module: {"reached": int(a), "completed": int(b), "passed": int(c), "failed": int(d)}
            for module, a, b, c, d in rows}


def module_names(session: Session, scope_id: int, course: str) -> dict[str, str]:
    """Return the names statements gave modules the catalogue does not know."""
    rows = session.execute(select(_N.c.module, _N.c.name).where(_N.c.scope_id == scope_id, _N.c.course == course))
    return {module: name for module, name in rows}


def answer_pairs(session: Session, scope_id: int, course: str) -> dict[tuple[str, str], dict[tuple[int, int], int]]:
    """Return counts of (pre value, post value) by (item, country), for learners with both values."""
    rows = session.execute(select(_P.c.item, _P.c.country, _P.c.pre, _P.c.post, _P.c.learners)
                           .where(_P.c.scope_id == scope_id, _P.c.course == course))
    out: dict[tuple[str, str], dict[tuple[int, int], int]] = {}
    for item, country, before, after, n in rows:
        out.setdefault((item, country), {})[(int(before), int(after))] = int(n)
    return out
