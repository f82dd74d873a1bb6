"""Aggregates of the progress model for one scope and course (never a scan of statements).

Every function returns raw counts; :mod:`lrs.reporting.reports` suppresses them before
anything is published. The counts are kept on ingest (``report_count``, ``report_pair``),
so each query reads a few rows through the leading columns of a primary key
``(scope_id, course, …)``, however many learners there are.
"""

from __future__ import annotations

import typing as t

from sqlalchemy import select

from lrs.reporting.models import ReportCount, ReportModuleName, ReportPair

if t.TYPE_CHECKING:
    from sqlalchemy.orm import Session

_C = ReportCount.__table__
_P = ReportPair.__table__
_N = ReportModuleName.__table__


def _counts(session: Session, scope_id: int, course: str, kind: str) -> list[tuple[str, str, int]]:
    rows = session.execute(select(_C.c.key1, _C.c.key2, _C.c.learners)
                           .where(_C.c.scope_id == scope_id, _C.c.course == course, _C.c.kind == kind))
    return [(str(key1), str(key2), int(n)) for key1, key2, n in rows]


def learners_by(session: Session, scope_id: int, course: str, *, completed: bool) -> dict[tuple[str, str], int]:
    """Return learners (started, or completed) by (country, language)."""
    rows = _counts(session, scope_id, course, "completed" if completed else "started")
    return {(country, language): n for country, language, n in rows if n}


def monthly(session: Session, scope_id: int, course: str) -> dict[str, dict[int, int]]:
    """Return learners started and completed per month (``YYYYMM``)."""
    return {name: {int(month): n for month, _, n in _counts(session, scope_id, course, f"{name}_month") if n}
            for name in ("started", "completed")}


def completions_by_version(session: Session, scope_id: int, course: str) -> dict[str, int]:
    """Return completions per course version."""
    return {version: n for version, _, n in _counts(session, scope_id, course, "completed_version") if n}


def funnel(session: Session, scope_id: int, course: str) -> dict[str, dict[str, int]]:
    """Return per module how many learners reached it and how many met its moveOn."""
    met = {module: n for module, _, n in _counts(session, scope_id, course, "met")}
    return {module: {"reached": n, "completed": met.get(module, 0)}
            for module, _, n in _counts(session, scope_id, course, "reached") if n}


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
