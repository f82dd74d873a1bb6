"""What the xAPI and cmi5 browser tests share: a live LRS, built packages served from another origin, Chromium,
and a learner who drives the player.

The LRS is this project's app on a migrated SQLite file, served over real HTTP by Werkzeug in a thread, so the
packages (served from a second local origin) reach it cross-origin, exactly as from an LMS. Statements are read
back with the ``tincan`` Python package.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import select
from tincan import RemoteLRS

from lrs import create_app
from lrs.auth import create_credential, now_us
from lrs.config import DEFAULTS
from lrs.db import make_engine
from lrs.migrate import upgrade
from lrs.models import Tenant
from qrscorm.build import build

REPO = Path(__file__).resolve().parents[2]
COURSE_SRC = REPO / "course_src"
MINIMAL = REPO / "tests" / "qrscorm" / "roots" / "course-minimal"
SCORM_AGAIN = REPO / "node_modules" / "scorm-again" / "dist" / "scorm-again.min.js"
PSEUDONYM_KEY = "xapi-tests-pseudonym-key-0123456789abcdef0123456789"
REAL_IRI = "https://qualityrights.who.int/xapi/activities/qualityrights"
ADL = "http://adlnet.gov/expapi/"
LANGS = ["en", "ar"]


def verb(name: str) -> str:
    """The ADL verb IRI of ``name``."""
    return f"{ADL}verbs/{name}"


# ---- the LRS -----------------------------------------------------------------------------------------------

class LiveLrs:
    """The project's LRS on a fresh SQLite file, served over HTTP from a thread."""

    def __init__(self, folder: Path) -> None:
        from werkzeug.serving import WSGIRequestHandler

        class Quiet(WSGIRequestHandler):
            protocol_version = "HTTP/1.0"  # a connection per request, so go_down() refuses the very next one

            def log_request(self, *args: Any) -> None:
                pass

        folder.mkdir(parents=True, exist_ok=True)
        url = self.db_url = f"sqlite:///{folder / 'lrs.sqlite3'}"
        config = {**DEFAULTS, "SQLITE_SYNCHRONOUS": "NORMAL"}
        engine = make_engine(url, config)
        upgrade(engine)
        engine.dispose()
        self.app = create_app({"DATABASE_URL": url, "SQLITE_SYNCHRONOUS": "NORMAL", "TESTING": True,
                               "PSEUDONYM_KEY": PSEUDONYM_KEY})
        self._handler = Quiet
        self._serve(0)
        self.origin = f"http://127.0.0.1:{self._server.server_port}"
        self.url = f"{self.origin}/xapi/"
        self.admin = self.credential("all", "launch", tenant="lms-test")

    def _serve(self, port: int) -> None:
        from werkzeug.serving import make_server

        self._server = make_server("127.0.0.1", port, self.app, threaded=True, request_handler=self._handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def go_down(self) -> None:
        """Stop answering: the port refuses connections (a server that is down), the database stays."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def come_back(self) -> None:
        """Answer again, on the same address."""
        self._serve(int(self.origin.rsplit(":", 1)[1]))

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self.app.extensions["lrs.db"].dispose()

    def credential(self, *scopes: str, tenant: str = "lms-test", pseudonymise: bool = False,
                   kind: str = "university") -> tuple[str, str]:
        """``(key, secret)`` of a new ordinary credential of ``tenant`` (created, of ``kind``, when needed)."""
        with self.app.extensions["lrs.db"].write() as session:
            row = session.scalar(select(Tenant).where(Tenant.name == tenant))
            if row is None:
                row = Tenant(name=tenant, kind=kind, country="" if kind == "who" else "GH",
                             pseudonymise=pseudonymise, created_us=now_us())
                session.add(row)
                session.flush()
            credential, secret = create_credential(session, row, scopes)
            return credential.key, secret

    @staticmethod
    def basic(key: str, secret: str) -> str:
        return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()

    def headers(self, credential: tuple[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": self.basic(*(credential or self.admin)), "X-Experience-API-Version": "1.0.3"}

    def mint(self, actor: dict[str, Any], registration: str, activity_id: str, course_iri: str,
             fetch: bool = False) -> dict[str, Any]:
        """A launch token for one launch (POST /xapi/launch-tokens), as an LMS mints it."""
        body = {"actor": actor, "registration": registration, "activityId": activity_id, "courseIri": course_iri,
                "fetch": fetch}
        response = requests.post(self.url + "launch-tokens", json=body, headers=self.headers(), timeout=10)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def remote(self, credential: tuple[str, str] | None = None) -> RemoteLRS:
        key, secret = credential or self.admin
        return RemoteLRS(version="1.0.3", endpoint=self.url, username=key, password=secret)

    def statements(self, registration: str | None = None, credential: tuple[str, str] | None = None,
                   **query: Any) -> list[Any]:
        """Every statement of ``registration`` (or matching ``query``), oldest stored first, read with tincan."""
        lrs = self.remote(credential)
        if registration:
            query["registration"] = registration
        answer = lrs.query_statements({"ascending": "true", "limit": 500, **query})
        assert answer.success, answer.data
        result, out = answer.content, list(answer.content.statements)
        while result.more:
            answer = lrs.more_statements(result)
            assert answer.success, answer.data
            result = answer.content
            out += result.statements
        return out

    def raw_statements(self, registration: str) -> list[dict[str, Any]]:
        """The statements of ``registration`` as the LRS returns their JSON, oldest stored first."""
        response = requests.get(self.url + "statements", params={"registration": registration, "ascending": "true",
                                                                   "limit": 500}, headers=self.headers(), timeout=10)
        assert response.status_code == 200, response.text
        return list(response.json()["statements"])

    def state(self, activity_id: str, agent: dict[str, Any], registration: str | None,
              state_id: str) -> tuple[int, Any, str | None]:
        params = {"activityId": activity_id, "agent": json.dumps(agent), "stateId": state_id}
        if registration:
            params["registration"] = registration
        response = requests.get(self.url + "activities/state", params=params, headers=self.headers(), timeout=10)
        body = response.json() if response.status_code == 200 else None
        return response.status_code, body, response.headers.get("ETag")

    def put_state(self, activity_id: str, agent: dict[str, Any], registration: str | None, state_id: str,
                  document: Any) -> None:
        params = {"activityId": activity_id, "agent": json.dumps(agent), "stateId": state_id}
        if registration:
            params["registration"] = registration
        response = requests.put(self.url + "activities/state", params=params, json=document,
                                headers=self.headers(), timeout=10)
        assert response.status_code == 204, response.text

    def post(self, statements: list[dict[str, Any]] | dict[str, Any]) -> requests.Response:
        return requests.post(self.url + "statements", json=statements, headers=self.headers(), timeout=10)


# ---- packages and the site that serves them -----------------------------------------------------------------

class Site:
    """A local web server (the LMS's origin) with packages unzipped under pkg/ and a return page."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "return.html").write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                                          '<title>LMS</title></head><body><h1>Back in the LMS</h1></body></html>')
        if SCORM_AGAIN.is_file():
            (root / "scorm-again.js").write_bytes(SCORM_AGAIN.read_bytes())
        (root / "host.html").write_text(HOST_HTML, encoding="utf-8")
        handler = functools.partial(_QuietHandler, directory=str(root))
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self._httpd.server_port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def unzip(self, package: Path) -> str:
        """Unzip ``package`` once; return the URL of its folder (ends with /)."""
        digest = hashlib.sha1(str(package.resolve()).encode()).hexdigest()[:10]
        name = f"{digest}-{package.stem}"
        folder = self.root / "pkg" / name
        if not folder.exists():
            with zipfile.ZipFile(package) as archive:
                archive.extractall(folder)
        return f"{self.origin}/pkg/{name}/"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


# An LMS page that gives a framed SCO scorm-again's API, seeded with HOST.cmi (SCORM version HOST.version).
HOST_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LMS</title><link rel="icon" href="data:,">
<script src="/scorm-again.js"></script></head>
<body><iframe name="sco" title="Course" style="width:1000px;height:700px"></iframe>
<script>
  var H = window.HOST, v12 = H.version === '1.2';
  var api = v12 ? new Scorm12API({logLevel: 5}) : new Scorm2004API({logLevel: 5});
  api.loadFromJSON(H.cmi, '');
  window[v12 ? 'API' : 'API_1484_11'] = api;
  document.querySelector('iframe').src = H.sco;
</script></body></html>
"""


def scorm_cmi(version: str, learner_id: str) -> dict[str, Any]:
    """The CMI data of a first launch (SCORM 1.2 RTE 3.4, 2004 RTE 4.2) of learner ``learner_id``."""
    if version == "1.2":
        return {"core": {"student_id": learner_id, "student_name": "Haddad, Lina", "credit": "credit",
                         "lesson_mode": "normal", "entry": "ab-initio", "lesson_status": "not attempted"}}
    return {"learner_id": learner_id, "learner_name": "Haddad, Lina", "credit": "credit", "mode": "normal",
            "entry": "ab-initio", "completion_status": "unknown"}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's parameter name
        pass


def build_packages(dist: Path) -> Path:
    """The real course's xAPI and cmi5 packages in English and Arabic."""
    build(COURSE_SRC, dist, formats=["xapi", "cmi5"], langs=LANGS)
    return dist


def launch_url(base: str, page: str = "index.html", **params: str | None) -> str:
    """``base + page`` with the launch parameters (URL-encoded, None left out)."""
    return base + page + "?" + urlencode({k: v for k, v in params.items() if v is not None})


def new_actor(home: str = "https://lms.example.org") -> dict[str, Any]:
    """A learner as an LMS names them: an account, with a display name."""
    return {"objectType": "Agent", "name": "Lina Haddad",
            "account": {"homePage": home, "name": f"u-{uuid.uuid4().hex[:8]}"}}


# ---- the learner --------------------------------------------------------------------------------------------

class Learner:
    """Drives the player in one page, or in a frame of it (``view``): pages, quiz (right or wrong on purpose),
    survey, leaving."""

    def __init__(self, page: Any, view: Any = None) -> None:
        self.page = page
        self.view = view or page
        self.errors: list[str] = []
        self.logs: list[str] = []
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.on("console", lambda msg: self.logs.append(msg.text))

    def open(self, url: str | None = None) -> None:
        """Load ``url`` (or wait for the view to load) until the player shows a view."""
        if url:
            self.page.goto(url)
        self.view.locator("main h1").wait_for()
        self._data = dict(self.view.evaluate("window.QR_DATA"))

    def data(self) -> dict[str, Any]:
        """The course data of the package (QR_DATA), as the page had it when opened."""
        return self._data

    def module(self, module_id: str) -> dict[str, Any]:
        return next(m for m in self.data()["modules"] if m["id"] == module_id)

    def go(self, route: str) -> None:
        self.view.evaluate("r => { location.hash = '#/' + r; }", route)
        self.view.wait_for_function("r => location.hash === '#/' + r", arg=route)
        self.view.locator("main h1").wait_for()

    def h1(self) -> str:
        return str(self.view.locator("main h1").inner_text())

    def read_pages(self, module_id: str, count: int | None = None) -> None:
        for page in self.module(module_id)["pages"][:count]:
            self.go(f"{module_id}/{page['id']}")

    def take_quiz(self, module_id: str, right: int) -> None:
        """Start (or retry) the quiz and answer it, the first ``right`` questions correctly; ends on the result."""
        questions = self.module(module_id)["quiz"]["questions"]
        self.view.evaluate("r => { location.hash = '#/' + r; }", f"{module_id}/_quiz")
        # after a finished attempt the quiz page sends the learner to the result, which offers a retry
        self.view.wait_for_function("m => ['#/' + m + '/_quiz', '#/' + m + '/_result'].includes(location.hash)",
                                    arg=module_id)
        self.view.locator("main h1").wait_for()
        self.view.locator("main button").first.click()
        for index, question in enumerate(questions):
            self.view.wait_for_function("h => location.hash === h", arg=f"#/{module_id}/_quiz/{index + 1}")
            values = question["correct"] if index < right else _wrong(question)
            for value in values:
                self.view.locator(f"main input[value='{value}']").check()
            self.view.locator("main form button[type=submit]").click()
            self.view.locator("main .qr-fb:not(:empty)").wait_for()
            self.view.locator("main .qr-actions a").click()
        self.view.wait_for_function("h => location.hash === h", arg=f"#/{module_id}/_result")

    def answer_survey(self, module_id: str, values: list[int]) -> None:
        self.go(f"{module_id}/_survey")
        for index, value in enumerate(values):
            self.view.locator("main fieldset").nth(index).locator(f"input[value='{value}']").check()
        self.view.locator("main form button[type=submit]").click()
        self.view.locator("main form").wait_for(state="detached")

    def notes(self) -> str:
        return str(self.view.locator(".qr-notes").inner_text())

    def queued(self) -> int:
        """Statements waiting in this origin's localStorage queues."""
        return int(self.view.evaluate("""() => Object.keys(localStorage).filter(k => k.startsWith('qr-xapi:q:'))
            .reduce((n, k) => n + JSON.parse(localStorage.getItem(k)).s.length, 0)"""))

    def storage(self) -> dict[str, Any]:
        return dict(self.view.evaluate("() => Object.fromEntries(Object.keys(localStorage).map(k => [k, "
                                       "localStorage.getItem(k)]))"))

    def leave(self) -> None:
        """Navigate away, as closing the window does: the player finishes on pagehide."""
        self.page.goto("about:blank")


def _wrong(question: dict[str, Any]) -> list[str]:
    if question["type"] == "true-false":
        return ["false" if question["correct"] == ["true"] else "true"]
    ids = [c["id"] for c in question["choices"]]
    return [next(i for i in ids if i not in question["correct"])]


def wait_until(check: Callable[[], Any], timeout: float = 20.0, what: str = "condition", page: Any = None) -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds.

    With ``page``, wait through Playwright, so the route handlers of the test keep running meanwhile (the sync
    API runs them only inside its own calls).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        if page is not None:
            page.wait_for_timeout(200)
        else:
            time.sleep(0.2)


# ---- fixtures (imported by tests/xapi/conftest.py and tests/cmi5/conftest.py) --------------------------------

@pytest.fixture(scope="session")
def live_lrs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveLrs]:
    """The project's LRS on a fresh SQLite database, over HTTP."""
    server = LiveLrs(tmp_path_factory.mktemp("lrs"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The origin that serves packages (the LMS's web server)."""
    server = Site(tmp_path_factory.mktemp("site"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ with the real course's xAPI and cmi5 packages in English and Arabic."""
    return build_packages(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def browser(browser: Any) -> Any:
    """The session's one Chromium (tests/conftest.py); a second Playwright in one process would fail."""
    return browser


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser context: empty localStorage, as a new learner's browser."""
    ctx = browser.new_context(viewport={"width": 1100, "height": 800}, reduced_motion="reduce")
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


# ---- a tincan launch (lms_lrs.md, Launch) -------------------------------------------------------------------

class Launched:
    """A package launched in a page of ``context``: the learner, the launch's facts, the requests to the LRS."""

    def __init__(self, context: Any, lrs: LiveLrs, url: str, *, registration: str | None, actor: dict[str, Any],
                 activity: str) -> None:
        self.lrs, self.url, self.registration, self.actor, self.activity = lrs, url, registration, actor, activity
        self.requests: list[dict[str, Any]] = []
        self.learner = Learner(context.new_page())
        self.learner.page.on("request", self._record)
        self.learner.open(url)

    def _record(self, request: Any) -> None:
        if request.url.startswith(self.lrs.origin):
            self.requests.append({"method": request.method, "url": request.url, "headers": request.headers})

    def statements(self) -> list[Any]:
        assert self.registration, "a launch without registration"
        return self.lrs.statements(self.registration)


def tincan_launch(context: Any, lrs: LiveLrs, site: Site, package: Path, *, module: str | None,
                  actor: dict[str, Any] | None = None, registration: str | None = "new",
                  auth: str = "token", course_iri: str = REAL_IRI, **params: str | None) -> Launched:
    """Launch ``package`` as an LMS launches tincan content with a launch token of the live LRS.

    ``auth``: "token" (the mint answer's ``Basic …``), "bare" (its base64 only, no scheme), or a value as is.
    ``params``: more launch parameters (``activity_id`` defaults to the module's or course's IRI).
    """
    actor = actor or new_actor()
    registration = str(uuid.uuid4()) if registration == "new" else registration
    activity = params.pop("activity_id", None) or (f"{course_iri}/modules/{module}" if module else course_iri)
    if auth in ("token", "bare"):
        from lrs.launch import learner_agent

        minted = lrs.mint(learner_agent(_modern(actor), pseudonymise=False), registration or str(uuid.uuid4()),
                          activity, course_iri)
        auth = minted["auth"] if auth == "token" else minted["auth"].removeprefix("Basic ")
    url = launch_url(site.unzip(package), endpoint=lrs.url, auth=auth, actor=json.dumps(actor),
                     registration=registration, activity_id=activity, **params)
    return Launched(context, lrs, url, registration=registration, actor=actor, activity=activity)


def _modern(actor: dict[str, Any]) -> dict[str, Any]:
    """An actor in the old TinCan array form, as xAPI 1.0 writes it."""
    out = {}
    for key, value in actor.items():
        value = value[0] if isinstance(value, list) else value
        if key == "account" and "accountName" in value:
            value = {"homePage": value["accountServiceHomePage"], "name": value["accountName"]}
        out[key] = value
    return out
