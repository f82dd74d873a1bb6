"""The dashboard over HTTP: sign-in, cookies, CSRF, throttling, headers, escaping, scopes, languages.

Security references: OWASP Session Management (cookie flags), OWASP CSRF Prevention (synchronizer token,
double submit, Origin check), RFC 9106 (argon2id), W3C Referrer Policy (``no-referrer``).
"""

from __future__ import annotations

import typing as t

import pytest
from sqlalchemy import select

from lrs import create_app
from lrs.reporting.models import ReportAccount, ReportAudit
from tests.reporting.support import BASE_CONFIG, PASSWORD

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask

    from tests.reporting.support import Lrs

COURSE = "https://qualityrights.who.int/xapi/activities/qualityrights"


@pytest.fixture(scope="module")
def accounts(cohort_lrs: Lrs) -> dict[str, str]:
    """Dashboard accounts: WHO and two ministries."""
    made = {"who": "analyst@who.example", "ministry-gh": "reports@health.gh.example",
            "ministry-ke": "reports@health.ke.example"}
    for tenant, email in made.items():
        cohort_lrs.account(tenant, email)
    return made


def _cookies(response: t.Any) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_dashboard_asks_to_sign_in(cohort_lrs: Lrs) -> None:
    """A page without a session redirects to the sign-in form; the form works without any script."""
    client = cohort_lrs.app.test_client()
    response = client.get("/reports/summary")
    assert response.status_code == 302 and response.headers["Location"].endswith("/reports/login")
    form = client.get("/reports/login").get_data(as_text=True)
    assert 'type="password"' in form and "<script" not in form


def test_dashboard_session_cookie_is_secure_httponly_samesite(cohort_lrs: Lrs, accounts: dict[str, str]) -> None:
    """Outside the loopback development mode every dashboard cookie is Secure, HttpOnly, SameSite=Strict."""
    client = cohort_lrs.app.test_client()
    response = cohort_lrs.login(client, accounts["who"])
    assert response.status_code == 302
    cookie = _cookies(response)["qr_reports"]
    for flag in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/reports"):
        assert flag in cookie
    assert client.get("/reports/summary").status_code == 200


@pytest.fixture(scope="module")
def loopback_app(cohort_lrs: Lrs) -> Iterator[Flask]:
    """The cohort's database served in the documented loopback development mode."""
    application = create_app({**BASE_CONFIG, "DATABASE_URL": cohort_lrs.app.config["DATABASE_URL"],
                              "TESTING": True, "REPORTS_INSECURE_LOOPBACK": True})
    yield application
    application.extensions["lrs.db"].dispose()


@pytest.mark.parametrize(("remote", "host", "secure"), [
    ("127.0.0.1", "127.0.0.1:8000", False), ("::1", "localhost", False),
    ("10.1.2.3", "127.0.0.1:8000", True), ("127.0.0.1", "reports.example.org", True)])
def test_dashboard_loopback_mode_drops_secure_only_on_loopback(loopback_app: Flask, remote: str, host: str,
                                                               secure: bool) -> None:
    """REPORTS_INSECURE_LOOPBACK relaxes Secure only for a loopback client asking a loopback host."""
    client = loopback_app.test_client()
    response = client.get("/reports/login", environ_base={"REMOTE_ADDR": remote}, headers={"Host": host})
    assert ("Secure" in _cookies(response)["qr_reports_login"]) is secure


def test_dashboard_sign_in_refuses_a_missing_or_foreign_csrf_token(cohort_lrs: Lrs, accounts: dict[str, str]) -> None:
    """The sign-in form's token must match its cookie; a POST from another origin is refused."""
    client = cohort_lrs.app.test_client()
    client.get("/reports/login")
    data = {"email": accounts["who"], "password": PASSWORD}
    assert client.post("/reports/login", data=data).status_code == 400
    assert client.post("/reports/login", data={**data, "csrf": "forged"}).status_code == 400
    page = client.get("/reports/login").get_data(as_text=True)
    token = page.split('name="csrf" value="')[1].split('"')[0]
    foreign = client.post("/reports/login", data={**data, "csrf": token}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 400
    assert "qr_reports" not in _cookies(foreign)


def test_dashboard_sign_out_needs_the_session_token_and_ends_the_session(cohort_lrs: Lrs,
                                                                          accounts: dict[str, str]) -> None:
    """Sign-out without the CSRF token is refused; with it, the session row is gone and its cookie useless."""
    client = cohort_lrs.app.test_client()
    cookie = _cookies(cohort_lrs.login(client, accounts["ministry-gh"]))["qr_reports"].split(";")[0].split("=", 1)[1]
    assert client.post("/reports/logout").status_code == 400
    page = client.get("/reports/summary").get_data(as_text=True)
    token = page.split('name="csrf" value="')[1].split('"')[0]
    assert client.post("/reports/logout", data={"csrf": token}).status_code == 302
    replay = cohort_lrs.app.test_client()
    replay.set_cookie("qr_reports", cookie, path="/reports")
    assert replay.get("/reports/summary").status_code == 302


def test_dashboard_passwords_are_argon2id_hashes(cohort_lrs: Lrs, accounts: dict[str, str]) -> None:
    """RFC 9106: only the argon2id hash is stored."""
    with cohort_lrs.db.read_session() as session:
        hashes = list(session.scalars(select(ReportAccount.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_dashboard_sign_in_is_throttled_per_account(cohort_lrs: Lrs) -> None:
    """Five failures lock the account for the window: even the right password then gets 429."""
    cohort_lrs.account("ministry-ke", "throttled@health.ke.example")
    client = cohort_lrs.app.test_client()
    for _ in range(5):
        assert cohort_lrs.login(client, "throttled@health.ke.example", "wrong password 123").status_code == 401
    locked = cohort_lrs.login(client, "throttled@health.ke.example")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "qr_reports" not in _cookies(locked)


def test_dashboard_headers_referrer_policy_csp_no_store(cohort_lrs: Lrs, accounts: dict[str, str]) -> None:
    """No referrer leaves the dashboard, nothing runs, nothing is cached; pages hold no script at all."""
    client = cohort_lrs.app.test_client()
    cohort_lrs.login(client, accounts["who"])
    for report in ("summary", "completions", "funnel", "attitudes"):
        response = client.get(f"/reports/{report}")
        assert response.status_code == 200
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"
        body = response.get_data(as_text=True)
        assert "<script" not in body.lower() and "<svg" in body


def test_dashboard_ministry_account_sees_only_its_numbers(cohort_lrs: Lrs, accounts: dict[str, str]) -> None:
    """A ministry's account reads its own tenant; another tenant's page is a 403, even through the API."""
    client = cohort_lrs.app.test_client()
    cohort_lrs.login(client, accounts["ministry-gh"])
    page = client.get("/reports/summary").get_data(as_text=True)
    assert "ministry-gh" in page and "ministry-ke" not in page
    assert client.get("/reports/summary?tenant=ministry-ke").status_code == 403
    assert client.get("/reports/api/summary.json?tenant=ministry-ke").status_code == 403
    own = client.get("/reports/api/summary.json").get_json()
    assert own["scope"] == "ministry-gh"
    with cohort_lrs.db.read_session() as session:
        last = session.scalars(select(ReportAudit).order_by(ReportAudit.id.desc()).limit(2)).all()
    assert {row.reader for row in last} == {f"account:{accounts['ministry-gh']}"}
    assert {row.form for row in last} == {"json", "html"}


def test_dashboard_language_is_selectable_and_arabic_is_rtl(cohort_lrs: Lrs, accounts: dict[str, str]) -> None:
    """?lang= switches the interface (kept in a cookie); Arabic pages are right to left."""
    client = cohort_lrs.app.test_client()
    cohort_lrs.login(client, accounts["who"])
    arabic = client.get("/reports/funnel?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic and "مسار الوحدات" in arabic
    again = client.get("/reports/funnel").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in again
    french = client.get("/reports/funnel?lang=fr").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in french and "Parcours par module" in french


def test_dashboard_escapes_what_statements_say(cohort_lrs: Lrs, accounts: dict[str, str]) -> None:
    """An activity name holding a script tag is shown as text, in the table and in the chart."""
    auth = cohort_lrs.credential("university-za", "statements/write")
    statements = []
    for number in range(5):
        statements.append({
            "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.za.example", "name": f"x{number}"}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": f"{COURSE}/modules/extra-module", "definition": {
                "name": {"en": "<script>alert('x')</script><img src=x onerror=alert(1)>"}}},
            "context": {"language": "en", "extensions": {
                "https://qualityrights.who.int/xapi/extensions/course-version": "=HYPERLINK(\"http://evil\")"}},
        })
    cohort_lrs.post(auth, statements)
    client = cohort_lrs.app.test_client()
    cohort_lrs.login(client, accounts["who"])
    page = client.get("/reports/funnel").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<script>" not in page and "<img" not in page
    assert page.count("&lt;script&gt;alert(&#39;x&#39;)") >= 2  # table cell and the chart's label
    labels = client.get("/reports/api/funnel.json").get_json()["labels"]
    assert labels["module:extra-module"].startswith("<script>")  # JSON carries it as data, as JSON must


def test_csv_defuses_spreadsheet_formulas() -> None:
    """OWASP CSV injection: text starting with = + - @ is prefixed with ', numbers are left alone."""
    import csv
    import io

    from lrs.reporting.export import to_csv
    from lrs.reporting.reports import Report, Scope, Table

    table = Table("completed_version", "counts", "version", "measure", ["=HYPERLINK(\"http://evil\")", "-1.0"],
                  ["completed"], {("=HYPERLINK(\"http://evil\")", "completed"): 7, ("-1.0", "completed"): -5}, set())
    text = to_csv(Report("completions", Scope(0, "all"), "c", 0, 5, [table], []))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["row"] == "'=HYPERLINK(\"http://evil\")" and rows[0]["value"] == "7"
    assert rows[1]["row"] == "-1.0" and rows[1]["value"] == "-5"
