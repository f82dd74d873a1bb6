"""Reading statements: single statements and filtered, keyset-paged lists.

A list query reads at most ``limit + 1`` rows in ``stored`` order. When it filters, one
filter drives: a range scan of ``statement_index``'s primary key
``(tenant_id, kind, value, stored_us, seq)``, already in ``stored`` order; every other
filter is a point lookup of the same key for the row at hand. Without a filter the
``(tenant_id, stored_us, seq)`` index of ``statement`` drives.

``stored`` is unique (the clock stamps each statement strictly later than the previous
one), so the keyset position of a page is simply the ``stored`` time of its last
statement, and (stored, id) order is (stored) order.
"""

from __future__ import annotations

import dataclasses
import typing as t

from sqlalchemy import exists, select, union_all

from lrs.models import (
    IDX_ACTIVITY,
    IDX_ACTIVITY_RELATED,
    IDX_AGENT,
    IDX_AGENT_RELATED,
    IDX_REGISTRATION,
    IDX_VERB,
    Statement,
    StatementIndex,
    Tenant,
)
from lrs.storage import index_value

if t.TYPE_CHECKING:
    from sqlalchemy import Row
    from sqlalchemy.orm import Session

_S = Statement.__table__
_I = StatementIndex.__table__
# Most (tenant, kind) range scans merged in one query; beyond, fewer scans that sort.
_MAX_BRANCHES = 64


@dataclasses.dataclass(frozen=True)
class Scope:
    """Whose statements a credential may read."""

    tenant_ids: tuple[int, ...] | None  # None: every tenant (WHO's all/read)
    credential_id: int | None = None  # statements/read/mine: only this credential's


@dataclasses.dataclass(frozen=True)
class StatementFilter:
    """The filters of GET statements (Communication §2.1.3), as stored values."""

    agent: str | None = None  # agent_key of the agent parameter
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None  # lower-case UUID
    related_agents: bool = False
    related_activities: bool = False
    since_us: int | None = None  # exclusive
    until_us: int | None = None  # inclusive
    ascending: bool = False


def get_statement(session: Session, scope: Scope, statement_id: str, *, voided: bool) -> Row[t.Any] | None:
    """Return ``(seq, stored_us, tenant_id, body)`` of one statement, voided or not as asked."""
    query = select(_S.c.seq, _S.c.stored_us, _S.c.tenant_id, _S.c.body).where(
        _S.c.id == statement_id.lower(), _S.c.voided == voided
    )
    # Ids are unique per tenant; a reader of every tenant gets the first stored.
    return session.connection().execute(_scoped(query, scope).order_by(_S.c.stored_us)).first()


def find_statements(
    session: Session,
    scope: Scope,
    where: StatementFilter,
    *,
    through_us: int,
    after_us: int | None,
    limit: int,
) -> list[Row[t.Any]]:
    """Return up to ``limit`` ``(seq, stored_us, tenant_id, body)`` rows, in the requested order.

    Args:
        through_us: Consistent-Through bound: nothing stored later is returned.
        after_us: keyset position, the ``stored`` time of the last row already returned.
    """
    lookups = _lookups(where)
    upper = through_us if where.until_us is None else min(through_us, where.until_us)
    lower = where.since_us
    if after_us is not None:
        if where.ascending:
            lower = after_us if lower is None else max(lower, after_us)
        else:
            upper = min(upper, after_us - 1)

    if not lookups:
        query = select(_S.c.seq, _S.c.stored_us, _S.c.tenant_id, _S.c.body)
        if scope.tenant_ids is not None:  # otherwise ix_statement_stored serves every tenant at once
            query = query.where(_in_or_eq(_S.c.tenant_id, scope.tenant_ids))
        query = _bounded(query, _S.c.stored_us, scope, where, lower, upper).limit(limit)
        return list(session.connection().execute(query).all())

    tenant_ids = scope.tenant_ids if scope.tenant_ids is not None else tuple(
        session.connection().execute(select(Tenant.__table__.c.id).order_by(Tenant.__table__.c.id)).scalars()
    )
    if not tenant_ids:
        return []
    kinds, value = lookups[0]
    # One ordered, limited range scan per (tenant, kind) of the driving lookup, merged: a
    # single scan with "kind IN (...)" or "tenant_id IN (...)" would have to sort every
    # match (all statements of a course, for a related_activities query) before the limit.
    if len(tenant_ids) * len(kinds) <= _MAX_BRANCHES:
        branches = [((tenant,), (kind,)) for tenant in tenant_ids for kind in kinds]
    elif len(tenant_ids) <= _MAX_BRANCHES:
        branches = [((tenant,), kinds) for tenant in tenant_ids]
    else:
        branches = [(tenant_ids, kinds)]
    selects = []
    for branch_tenants, branch_kinds in branches:
        drive = _I.alias()
        query = (
            select(_S.c.seq, drive.c.stored_us, _S.c.tenant_id, _S.c.body)
            .select_from(drive.join(_S, _S.c.seq == drive.c.seq))
            .where(
                _in_or_eq(drive.c.tenant_id, branch_tenants),
                _in_or_eq(drive.c.kind, branch_kinds),
                drive.c.value == value,
            )
        )
        for other_kinds, other_value in lookups[1:]:
            other = _I.alias()
            query = query.where(exists().where(
                other.c.tenant_id == drive.c.tenant_id,
                _in_or_eq(other.c.kind, other_kinds),
                other.c.value == other_value,
                other.c.stored_us == drive.c.stored_us,
                other.c.seq == drive.c.seq,
            ))
        selects.append(_bounded(query, drive.c.stored_us, scope, where, lower, upper).limit(limit))
    if len(selects) == 1:
        query = selects[0]
    else:
        merged = union_all(*(select(part.subquery()) for part in selects)).subquery()
        order = merged.c.stored_us.asc() if where.ascending else merged.c.stored_us.desc()
        query = select(merged).order_by(order).limit(limit)
    return list(session.connection().execute(query).all())


def _bounded(query: t.Any, stored: t.Any, scope: Scope, where: StatementFilter, lower: int | None,
             upper: int) -> t.Any:
    """Add the time bounds, the voided and credential filters, and the order."""
    query = query.where(stored <= upper, _S.c.voided == False)  # noqa: E712
    if lower is not None:
        query = query.where(stored > lower)
    if scope.credential_id is not None:
        query = query.where(_S.c.credential_id == scope.credential_id)
    return query.order_by(stored.asc() if where.ascending else stored.desc())


def _lookups(where: StatementFilter) -> list[tuple[tuple[int, ...], str]]:
    """Return the index lookups of the filters, the most selective first."""
    lookups: list[tuple[tuple[int, ...], str]] = []
    if where.registration is not None:
        lookups.append(((IDX_REGISTRATION,), where.registration.lower()))
    if where.agent is not None:
        kinds = (IDX_AGENT, IDX_AGENT_RELATED) if where.related_agents else (IDX_AGENT,)
        lookups.append((kinds, index_value(where.agent)))
    if where.activity is not None:
        kinds = (IDX_ACTIVITY, IDX_ACTIVITY_RELATED) if where.related_activities else (IDX_ACTIVITY,)
        lookups.append((kinds, index_value(where.activity)))
    if where.verb is not None:
        lookups.append(((IDX_VERB,), index_value(where.verb)))
    return lookups


def _in_or_eq(column: t.Any, values: tuple[int, ...]) -> t.Any:
    return column == values[0] if len(values) == 1 else column.in_(values)


def _scoped(query: t.Any, scope: Scope) -> t.Any:
    if scope.tenant_ids is not None:
        query = query.where(_in_or_eq(_S.c.tenant_id, scope.tenant_ids))
    if scope.credential_id is not None:
        query = query.where(_S.c.credential_id == scope.credential_id)
    return query

