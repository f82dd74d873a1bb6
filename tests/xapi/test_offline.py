"""Nothing lost offline: the statement queue of xapi-client.js in Chromium, against the live LRS.

The LRS is cut by routing its requests to an abort (what a dropped connection looks like to the page) and
restored by removing the route. Statements carry ids made in the browser, so a resend is the same statement:
the LRS stores an equivalent statement once (Communication 2.1.2) and answers 409 for a different one under a
taken id. Retry-After: RFC 9110 10.2.3, and the LRS exposes it to scripts (CORS).
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.xapi.harness import REAL_IRI, LiveLrs, Site, tincan_launch, verb, wait_until

pytestmark = pytest.mark.browser

MODULE = "legal-capacity"


def _online(launch: Any) -> None:
    """The connection is back: the browser says so, and the queue sends at once instead of at its next retry."""
    launch.learner.page.evaluate("dispatchEvent(new Event('online'))")


def _exactly_once(statements: list[Any], module: dict[str, Any], passed: bool = True) -> None:
    kinds = Counter((s.verb.id.rsplit("/", 1)[-1], s.object.id) for s in statements)
    base = f"{REAL_IRI}/modules/{MODULE}"
    expected = Counter({("initialized", base): 1, ("terminated", base): 1, ("completed", base): 1,
                        ("passed" if passed else "failed", base): 1})
    expected.update({("experienced", f"{base}/pages/{p['id']}"): 1 for p in module["pages"]})
    expected.update({("answered", f"{base}/questions/{q['id']}"): 1 for q in module["quiz"]["questions"]})
    assert kinds == expected
    assert len({s.id for s in statements}) == len(statements)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_cut_and_restored_lrs_loses_nothing(context: Any, live_lrs: LiveLrs, site: Site, packages: Path,
                                            lang: str) -> None:
    """Statements made while the LRS is unreachable wait in localStorage, are retried with backoff, and arrive
    exactly once, in order, when it is back."""
    launch = tincan_launch(context, live_lrs, site, packages / f"{lang}/modules/{MODULE}-xapi.zip", module=MODULE)
    learner = launch.learner
    wait_until(lambda: len(launch.statements()) == 1, what="initialized")
    attempts: list[float] = []

    def cut(route: Any) -> None:
        if route.request.method == "POST" and route.request.url.endswith("/statements"):
            attempts.append(time.monotonic())
        route.abort()

    context.route(f"{live_lrs.origin}/**", cut)
    learner.read_pages(MODULE)
    learner.take_quiz(MODULE, 6)
    module = learner.module(MODULE)
    expected = len(module["pages"]) + len(module["quiz"]["questions"]) + 2  # + completed, passed
    wait_until(lambda: learner.queued() == expected, what=f"{expected} queued statements")
    wait_until(lambda: len(attempts) >= 3, timeout=30, what="retries", page=learner.page)
    assert attempts[2] - attempts[1] > 1.2 and attempts[1] - attempts[0] > 0.6  # backoff: 1 s, then 2 s (±20 %)
    assert len(launch.statements()) == 1
    context.unroute(f"{live_lrs.origin}/**")
    _online(launch)
    wait_until(lambda: learner.queued() == 0, what="an empty queue")
    learner.leave()
    statements = wait_until(lambda: (lambda s: s if len(s) == expected + 2 else None)(launch.statements()),
                            what="every statement")
    _exactly_once(statements, module)
    assert [s.verb.id for s in statements][:2] == [verb("initialized"), verb("experienced")]
    assert learner.errors == []


def test_lost_answer_resent_once(context: Any, live_lrs: LiveLrs, site: Site, packages: Path) -> None:
    """The LRS stored a batch but the answer was lost: the batch is sent again and stored once."""
    launch = tincan_launch(context, live_lrs, site, packages / f"en/modules/{MODULE}-xapi.zip", module=MODULE)
    learner = launch.learner
    wait_until(lambda: len(launch.statements()) == 1, what="initialized")
    posts: list[list[str]] = []

    def drop_answer(route: Any) -> None:
        request = route.request
        if request.method == "POST" and request.url.endswith("/statements"):
            body = json.loads(request.post_data)
            posts.append([s["id"] for s in body])
            if len(posts) == 1:
                route.fetch()  # the LRS stores it ...
                route.abort()  # ... and the page never hears back
                return
        route.continue_()

    context.route(f"{live_lrs.origin}/xapi/statements", drop_answer)
    learner.read_pages(MODULE)
    learner.take_quiz(MODULE, 6)
    _online(launch)
    wait_until(lambda: learner.queued() == 0, what="an empty queue")
    context.unroute(f"{live_lrs.origin}/xapi/statements")
    learner.leave()
    module = learner.module(MODULE)
    statements = wait_until(lambda: (lambda s: s if any(x.verb.id == verb("terminated") for x in s) else None)(
        launch.statements()), what="terminated")
    resent = posts[0][0]
    assert sum(resent in ids for ids in posts) >= 2
    _exactly_once(statements, module)


def test_refused_statement_set_aside_and_reported(context: Any, live_lrs: LiveLrs, site: Site,
                                                 packages: Path) -> None:
    """A batch the LRS refuses (409: a different statement under a taken id) is resent one statement at a time;
    the one still refused is set aside, shown to the learner with a link to the diagnostics page, which lists it;
    every other statement is stored."""
    launch = tincan_launch(context, live_lrs, site, packages / f"en/modules/{MODULE}-xapi.zip", module=MODULE)
    learner = launch.learner
    module = learner.module(MODULE)
    taken = str(uuid.uuid4())
    other = {"id": taken, "actor": {"mbox": "mailto:someone@example.org"}, "verb": {"id": verb("experienced")},
             "object": {"id": f"{REAL_IRI}/modules/{MODULE}"}}
    assert live_lrs.post(other).status_code == 200
    victim = f"{REAL_IRI}/modules/{MODULE}/pages/{module['pages'][1]['id']}"
    seen: list[int] = []

    def collide(route: Any) -> None:
        request = route.request
        if request.method != "POST":
            route.continue_()
            return
        body = json.loads(request.post_data)
        seen.append(len(body))
        for statement in body:
            if statement["object"]["id"] == victim:
                statement["id"] = taken  # the network edge rewrites it: the LRS answers a real 409
        route.continue_(post_data=json.dumps(body))

    context.route(f"{live_lrs.origin}/xapi/statements", collide)
    context.route(f"{live_lrs.origin}/xapi/activities/state**", lambda route: route.abort())  # batches build up
    learner.read_pages(MODULE)
    context.unroute(f"{live_lrs.origin}/xapi/activities/state**")
    learner.page.locator(".qr-notes a[href='player/diagnostics.html']").wait_for()
    wait_until(lambda: learner.queued() == 0, what="an empty queue")
    notes = learner.notes()
    assert "could not be delivered (1 so far)" in notes
    stored = [s.object.id for s in launch.statements()]
    assert victim not in stored and len(stored) == len(module["pages"])  # initialized and the other pages
    diagnostics = context.new_page()
    diagnostics.goto(launch.url.split("index.html")[0] + "player/diagnostics.html")
    text = diagnostics.locator("main").inner_text()
    assert "Set aside: 1" in text and victim in text and "409" in text
    aside = [json.loads(v) for k, v in learner.storage().items() if k.startswith("qr-xapi:x:")]
    assert [a["s"][0]["statement"]["object"]["id"] for a in aside] == [victim]
    context.unroute(f"{live_lrs.origin}/xapi/statements")


def test_retry_after_is_honoured(context: Any, live_lrs: LiveLrs, site: Site, packages: Path) -> None:
    """A 429 with Retry-After is retried no sooner than it says; a 503 is retried with backoff."""
    launch = tincan_launch(context, live_lrs, site, packages / f"en/modules/{MODULE}-xapi.zip", module=MODULE)
    learner = launch.learner
    wait_until(lambda: len(launch.statements()) == 1, what="initialized")
    times: list[tuple[float, int]] = []
    cors = {"Access-Control-Allow-Origin": site.origin, "Access-Control-Expose-Headers": "Retry-After"}

    def busy(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        times.append((time.monotonic(), len(times)))
        if len(times) == 1:
            route.fulfill(status=429, headers={**cors, "Retry-After": "3"}, json={"error": "rate limited"})
        elif len(times) == 2:
            route.fulfill(status=503, headers=cors, json={"error": "busy"})
        else:
            route.continue_()

    context.route(f"{live_lrs.origin}/xapi/statements", busy)
    learner.go(f"{MODULE}/{learner.module(MODULE)['pages'][0]['id']}")
    wait_until(lambda: len(times) >= 3 and learner.queued() == 0, timeout=30, what="delivery after retries",
               page=learner.page)
    assert times[1][0] - times[0][0] >= 2.9
    assert times[2][0] - times[1][0] >= 0.5
    assert [s.verb.id for s in launch.statements()] == [verb("initialized"), verb("experienced")]
    context.unroute(f"{live_lrs.origin}/xapi/statements")


def test_session_ended_offline_leftovers_set_aside(context: Any, site: Site, packages: Path,
                                                   tmp_path: Path) -> None:
    """A tincan session that ends while its LRS is down keeps what it could not send (its last keepalive try
    fails too); that session's token has ended, so the next launch of the learner and registration sets those
    statements aside, tells the learner and lists them, and does not send them."""
    lrs = LiveLrs(tmp_path)
    try:
        package = packages / f"en/modules/{MODULE}-xapi.zip"
        first = tincan_launch(context, lrs, site, package, module=MODULE)
        wait_until(lambda: len(first.statements()) == 1, what="initialized")
        lrs.go_down()
        first.learner.read_pages(MODULE, 2)
        wait_until(lambda: first.learner.queued() == 2, what="two queued statements")
        first.learner.leave()
        lrs.come_back()
        second = tincan_launch(context, lrs, site, package, module=MODULE, actor=first.actor,
                               registration=first.registration)
        second.learner.page.locator(".qr-notes a[href='player/diagnostics.html']").wait_for()
        assert "(3 so far)" in second.learner.notes()
        aside = [x for k, v in second.learner.storage().items() if k.startswith("qr-xapi:x:")
                 for x in json.loads(v)["s"]]
        assert [(x["statement"]["verb"]["id"].rsplit("/", 1)[-1], x["status"]) for x in aside] == [
            ("experienced", "unsent"), ("experienced", "unsent"), ("terminated", "unsent")]
        second.learner.leave()
        statements = wait_until(lambda: (lambda s: s if len(s) == 3 else None)(first.statements()),
                                what="the second session")
        assert sorted(s.verb.id.rsplit("/", 1)[-1] for s in statements) == ["initialized", "initialized",
                                                                            "terminated"]
        diagnostics = context.new_page()
        diagnostics.goto(first.url.split("index.html")[0] + "player/diagnostics.html")
        assert "Set aside: 3" in diagnostics.locator("main").inner_text()
    finally:
        lrs.stop()
