"""The report API: hand-computed numbers, scoping like statements, CSV = JSON, nothing under 5, audit log.

Scopes follow the statement resource's rules (xAPI Communication §4: a credential reads its own tenant;
WHO's ``all``/``all/read`` credentials read every tenant).
"""

from __future__ import annotations

import csv
import io
import typing as t

import pytest
from sqlalchemy import select

from lrs.reporting.models import ReportAudit
from lrs.reporting.suppression import TOTAL, CountTable
from tests.reporting import cohort
from tests.reporting.disclosure import derivable_by_rank

if t.TYPE_CHECKING:
    from tests.reporting.support import Lrs

REPORTS = ("summary", "completions", "funnel", "attitudes")


@pytest.fixture(scope="module")
def who(cohort_lrs: Lrs) -> str:
    """A WHO credential that reads every tenant."""
    return cohort_lrs.credential("who", "all/read")


@pytest.fixture(scope="module")
def gh(cohort_lrs: Lrs) -> str:
    """A ministry credential that reads its own statements."""
    return cohort_lrs.credential("ministry-gh", "statements/read")


def _get(lrs: Lrs, auth: str, path: str) -> t.Any:
    return lrs.client.get(path, headers={"Authorization": auth})


def _cells(report: dict[str, t.Any], table: str) -> dict[tuple[str, str], t.Any]:
    found = next(x for x in report["tables"] if x["id"] == table)
    return {(c["row"], c["column"]): c["value"] for c in found["cells"]}


def test_report_api_summary_totals_and_months_are_the_hand_computed_ones(cohort_lrs: Lrs, who: str) -> None:
    """Started 40 and completed 33 learners in all; months as counted by hand where published."""
    report = _get(cohort_lrs, who, "/reports/api/summary.json").get_json()
    monthly = _cells(report, "monthly")
    assert monthly[(TOTAL, "started")] == cohort.STARTED["all"]
    assert monthly[(TOTAL, "completed")] == cohort.COMPLETED["all"]
    for month, n in cohort.STARTED_BY_MONTH.items():
        assert monthly[(month, "started")] in (n, None)
    assert monthly[("2025-03", "started")] == 17 and monthly[("2025-04", "completed")] == 15
    assert monthly[("2025-06", "completed")] is None  # one learner: hidden
    target = _cells(report, "target")
    assert target[("target", "value")] == 5_000_000 and target[("completed", "value")] == 33
    assert target[("share", "value")] == pytest.approx(33 / 5_000_000)


def test_report_api_completions_by_country_and_language(cohort_lrs: Lrs, who: str) -> None:
    """Country x language counts as computed by hand, margins included, small ones hidden."""
    report = _get(cohort_lrs, who, "/reports/api/completions.json").get_json()
    grid = _cells(report, "completed_country_language")
    truth = dict(cohort.COMPLETED_GRID)
    for (country, n) in cohort.COMPLETED_BY_COUNTRY.items():
        truth[(country, TOTAL)] = n
    for (language, n) in cohort.COMPLETED_BY_LANGUAGE.items():
        truth[(TOTAL, language)] = n
    truth[(TOTAL, TOTAL)] = cohort.COMPLETED["all"]
    for key, value in grid.items():
        assert value is None or value == truth.get(key, 0), key
    assert grid[(TOTAL, TOTAL)] == 33 and grid[("ZA", "en")] == 10 and grid[("GH", "fr")] is None
    assert _cells(report, "completed_version")[("1.0.0", "completed")] == 33


def test_report_api_funnel(cohort_lrs: Lrs, who: str) -> None:
    """Reached and met moveOn per module, in course order."""
    report = _get(cohort_lrs, who, "/reports/api/funnel.json").get_json()
    funnel = _cells(report, "funnel")
    assert {m: (funnel[(m, "reached")], funnel[(m, "completed")]) for m in cohort.FUNNEL} == cohort.FUNNEL
    assert report["tables"][0]["rows"] == list(cohort.FUNNEL)


def test_report_api_attitudes_pairs_effect_and_correction(cohort_lrs: Lrs, who: str) -> None:
    """Item 1: pairs by country (fewer than 5 hidden), r = 1 where everyone moved, Holm p >= raw p."""
    report = _get(cohort_lrs, who, "/reports/api/attitudes.json").get_json()
    shift = _cells(report, "shift")
    for country, n in cohort.ITEM1_PAIRS.items():
        expected = n if n >= 5 else None
        assert shift[(f"{cohort.ITEM1}|{country}", "pairs")] == expected, country
    assert shift[(f"{cohort.ITEM1}|{TOTAL}", "pairs")] == 32
    for (row, column), value in shift.items():
        if column == "rank_biserial" and value is not None:
            assert value == 1.0
            assert shift[(row, "p_adjusted")] >= shift[(row, "p_value")]
    assert "post_survey_completers" in report["notes"]
    pre = _cells(report, f"pre:{cohort.ITEM1}")
    assert pre[("GH", "2")] == 11 and pre[("KE", TOTAL)] is None


@pytest.mark.parametrize("report", REPORTS)
def test_report_api_csv_matches_json(cohort_lrs: Lrs, who: str, report: str) -> None:
    """Every JSON cell is one CSV line with the same value (suppressed: empty and marked)."""
    body = _get(cohort_lrs, who, f"/reports/api/{report}.json").get_json()
    response = _get(cohort_lrs, who, f"/reports/api/{report}.csv")
    assert response.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    expected = [(table["id"], cell["row"], cell["column"], cell["value"], cell["suppressed"])
                for table in body["tables"] for cell in table["cells"]]
    assert len(lines) == len(expected)
    for line, (table, row, column, value, suppressed) in zip(lines, expected, strict=True):
        assert (line["table"], line["row"], line["column"]) == (table, row, column)
        assert line["suppressed"] == ("true" if suppressed else "false")
        if value is None:
            assert line["value"] == ""
        elif isinstance(value, bool):
            assert line["value"] == ("true" if value else "false")
        elif isinstance(value, (int, float)):
            assert float(line["value"]) == pytest.approx(value)
        else:
            assert line["value"] == value


@pytest.mark.parametrize("scope", ["all", "ministry-gh", "ministry-ke", "university-za", "who"])
def test_report_api_no_published_count_under_5_and_none_derivable(cohort_lrs: Lrs, who: str, scope: str) -> None:
    """Every count table of every report: no cell or margin under 5, no hidden count computable from the sums."""
    seen = 0
    for report in REPORTS:
        body = _get(cohort_lrs, who, f"/reports/api/{report}.json?tenant={scope}").get_json()
        for table in body["tables"]:
            if table["kind"] != "counts":
                continue
            values = [c["value"] for c in table["cells"] if c["value"] is not None]
            assert all(v >= 5 for v in values), (report, table["id"], values)
            keys = {(c["row"], c["column"]) for c in table["cells"]}
            shape = CountTable(table["id"], table["rows"], table["columns"], {},
                               row_totals=any(k[1] == TOTAL and k[0] != TOTAL for k in keys),
                               column_totals=any(k[0] == TOTAL and k[1] != TOTAL for k in keys))
            shape.suppressed = {(c["row"], c["column"]) for c in table["cells"] if c["suppressed"]}
            assert derivable_by_rank(shape) == set(), (report, table["id"])
            seen += len(table["cells"])
    assert seen > 100


def test_report_api_ministry_sees_only_its_own_tenant(cohort_lrs: Lrs, gh: str, who: str) -> None:
    """A ministry's credential gets its own numbers and a 403 for another ministry's; WHO may narrow."""
    own = _get(cohort_lrs, gh, "/reports/api/summary.json").get_json()
    assert own["scope"] == "ministry-gh"
    assert _cells(own, "monthly")[(TOTAL, "started")] == cohort.STARTED["ministry-gh"]
    assert _cells(own, "monthly")[(TOTAL, "completed")] == cohort.COMPLETED["ministry-gh"]
    other = _get(cohort_lrs, gh, "/reports/api/summary.json?tenant=ministry-ke")
    assert other.status_code == 403 and "ministry-ke" in other.get_json()["message"]
    narrowed = _get(cohort_lrs, who, "/reports/api/summary.json?tenant=ministry-ke").get_json()
    assert _cells(narrowed, "monthly")[(TOTAL, "started")] == cohort.STARTED["ministry-ke"]
    assert _cells(narrowed, "monthly")[(TOTAL, "completed")] == cohort.COMPLETED["ministry-ke"]


def test_report_api_refuses_forward_keys_and_anonymous_requests(cohort_lrs: Lrs) -> None:
    """Reports need a read scope on an ordinary credential, or a signed-in dashboard account."""
    forward = cohort_lrs.credential("ministry-gh", "statements/write", kind="forward")
    assert _get(cohort_lrs, forward, "/reports/api/summary.json").status_code == 403
    write_only = cohort_lrs.credential("ministry-gh", "statements/write")
    assert _get(cohort_lrs, write_only, "/reports/api/summary.json").status_code == 403
    anonymous = cohort_lrs.client.get("/reports/api/summary.json")
    assert anonymous.status_code == 401 and anonymous.is_json
    assert cohort_lrs.client.get("/reports/api/unknown.json").status_code == 404


def test_report_api_reads_are_in_the_audit_log(cohort_lrs: Lrs, gh: str) -> None:
    """Who read which report, in which form and scope."""
    _get(cohort_lrs, gh, "/reports/api/funnel.csv")
    with cohort_lrs.db.read_session() as session:
        rows = session.scalars(select(ReportAudit).order_by(ReportAudit.id.desc()).limit(1)).all()
    assert (rows[0].report, rows[0].form, rows[0].scope, rows[0].tenant) == ("funnel", "csv", "ministry-gh",
                                                                              "ministry-gh")
    assert rows[0].reader.startswith("credential:")
