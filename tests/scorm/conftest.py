"""Fixtures for the SCORM tests: built packages, the standard schemas, and an LMS in Chromium.

The LMS is a host page served from 127.0.0.1 that gives the SCO scorm-again's API (``scorm_lms.py``). Every
browser test fails on an uncaught script error and on any SetValue, Commit or Finish the adapter reports as
refused by the runtime.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from scorm_builds import COURSE_SRC, FORMATS, MINIMAL, SCORM_AGAIN, SHARED_SPEC, Built
from scorm_lms import MOODLE_LIKE, Launch, Sco, activity_tree, first_cmi, scos, version_of, write_site

from qrscorm.build import build
from qrscorm.builders import BuildOptions


@pytest.fixture(scope="session")
def spec() -> Path:
    """The shared specification folder (../shared/spec beside the repository) with the SCORM schemas."""
    if not SHARED_SPEC.is_dir():
        pytest.skip(f"{SHARED_SPEC} is absent: the SCORM XSDs are not part of the repository, so manifests "
                    "cannot be validated here")
    return SHARED_SPEC


@pytest.fixture(scope="session")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Every SCORM package of the small test course (en, ar), full and light."""
    dist = tmp_path_factory.mktemp("dist-minimal")
    return Built(dist, build(MINIMAL, dist, formats=FORMATS, options=BuildOptions(light=True)))


@pytest.fixture(scope="session")
def minimal_surveys(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The small test course built with --record-survey-in-lms (English only)."""
    dist = tmp_path_factory.mktemp("dist-surveys")
    return Built(dist, build(MINIMAL, dist, formats=FORMATS, langs=["en"],
                             options=BuildOptions(record_survey_in_lms=True)))


@pytest.fixture(scope="session")
def real(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Every SCORM package of the real course in every translated language."""
    dist = tmp_path_factory.mktemp("dist-real")
    return Built(dist, build(COURSE_SRC, dist, formats=FORMATS))


@pytest.fixture(scope="session")
def real_surveys(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The real course's SCORM 1.2 packages built with --record-survey-in-lms, in every translated language."""
    dist = tmp_path_factory.mktemp("dist-real-surveys")
    return Built(dist, build(COURSE_SRC, dist, formats=["scorm12"], options=BuildOptions(record_survey_in_lms=True)))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's parameter name
        pass


class Site:
    """The LMS's web folder: host pages, scorm-again, and packages unzipped under pkg/."""

    def __init__(self, root: Path):
        self.root = root
        write_site(root, SCORM_AGAIN)

    def unzip(self, package: Path) -> str:
        """Unzip ``package`` once; return its folder's URL path (ends with /)."""
        key = hashlib.sha1(str(package.resolve()).encode()).hexdigest()[:10] + "-" + package.stem
        folder = self.root / "pkg" / key
        if not folder.exists():
            with zipfile.ZipFile(package) as archive:
                archive.extractall(folder)
        return f"/pkg/{key}/"

    def manifest(self, package: Path) -> Path:
        return self.root / self.unzip(package).strip("/") / "imsmanifest.xml"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    if not SCORM_AGAIN.is_file():
        pytest.fail(f"{SCORM_AGAIN} not found: run npm ci (make setup-test)")
    return Site(tmp_path_factory.mktemp("lms"))


@pytest.fixture(scope="session")
def server(site: Site) -> Iterator[int]:
    """Serve the site on a free local port; yields the port (reachable as 127.0.0.1 and as localhost)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site.root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    httpd.server_close()
    thread.join()


class Lms:
    """Launches SCOs of built packages in host pages, as an LMS does, in one browser context."""

    def __init__(self, context: Any, site: Site, port: int):
        self.context, self.site, self.port = context, site, port
        self.origin = f"http://127.0.0.1:{port}"
        self.errors: list[str] = []  # uncaught script errors and refused SCORM calls
        context.on("page", self._watch)

    def _watch(self, page: Any) -> None:
        page.on("pageerror", lambda err: self.errors.append(f"uncaught: {err}"))
        page.on("console", lambda msg: self._console(msg.text))

    def _console(self, text: str) -> None:
        if text.startswith("[QR] SCORM") or "failed to start" in text:
            self.errors.append(text)

    def scos(self, package: Path) -> list[Sco]:
        return scos(self.site.manifest(package))

    def launch(self, package: Path, sco: Sco | None = None, *, cmi: dict[str, Any] | None = None,
               settings: dict[str, Any] | None = None, via: str = "frame") -> Launch:
        """Launch ``sco`` (default: the package's first) with ``cmi`` (default: a first launch).

        ``via``: "frame" (the host frames the SCO), "relay" (a page of another origin sits between host and
        SCO), "opener" (the host opens the SCO in a new window).
        """
        base = self.site.unzip(package)
        version = version_of(self.site.manifest(package))
        sco = sco or self.scos(package)[0]
        url = f"{self.origin}{base}{sco.href}"
        if via == "relay":
            url = f"http://localhost:{self.port}/relay.html#{url}"
        host = {"version": version, "settings": MOODLE_LIKE if settings is None else settings,
                "cmi": cmi or first_cmi(version, sco), "sco": url, "opener": via == "opener"}
        page = self.context.new_page()
        page.add_init_script(f"window.HOST = {_json(host)};")
        if via == "opener":
            with page.expect_popup():
                page.goto(f"{self.origin}/host.html")
        else:
            page.goto(f"{self.origin}/host.html")
        launch = Launch(page, version)
        launch.learner.wait()
        return launch

    def sequenced(self, package: Path) -> Launch:
        """Launch a SCORM 2004 package under scorm-again's sequencing engine, from the manifest's activity tree."""
        base = self.site.unzip(package)
        host = {"tree": activity_tree(self.site.manifest(package)), "base": f"{self.origin}{base}",
                "learnerId": "learner-7", "learnerName": "Haddad, Lina"}
        page = self.context.new_page()
        page.add_init_script(f"window.HOST = {_json(host)};")
        page.goto(f"{self.origin}/seqhost.html")
        launch = Launch(page, "2004")
        launch.learner.wait()
        return launch


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


@pytest.fixture
def lms(browser: Any, site: Site, server: int) -> Iterator[Lms]:
    """An LMS in a fresh browser context; the test fails on any script error or refused SCORM call."""
    context = browser.new_context(viewport={"width": 1100, "height": 800}, reduced_motion="reduce")
    context.set_default_timeout(15000)
    host = Lms(context, site, server)
    yield host
    context.close()
    assert host.errors == []
