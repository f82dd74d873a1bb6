"""The audit log of report reads: who read which report, when, in which form and scope.

``qrlrs reports audit [--since DATE]`` prints it. Rows are never changed; a retention purge
(``qrlrs learners purge``) removes those older than ``RETENTION_DAYS`` like other data.
"""

from __future__ import annotations

import typing as t

from sqlalchemy import select

from lrs.auth import now_us
from lrs.reporting.models import ReportAudit

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from lrs.db import Database


def record(db: Database, reader: str, tenant: str, report: str, form: str, scope: str) -> None:
    """Add one read to the log (its own short transaction)."""
    with db.write() as session:
        session.add(ReportAudit(at_us=now_us(), reader=reader[:300], tenant=tenant[:100], report=report[:40],
                                form=form[:8], scope=scope[:100]))


def entries(db: Database, since_us: int = 0) -> Iterator[ReportAudit]:
    """Yield the log's rows from ``since_us`` on, oldest first."""
    with db.read_session() as session:
        yield from session.scalars(select(ReportAudit).where(ReportAudit.at_us >= since_us)
                                   .order_by(ReportAudit.at_us, ReportAudit.id))
