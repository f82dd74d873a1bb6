"""The player makes no network request except for its own files: no CDN, no web font, no analytics."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_request_outside_the_package(player, lang):
    """Every request made while taking the whole course is for a file of the package, on the same origin."""
    requests: list[str] = []
    player.page.on("request", lambda request: requests.append(request.url))
    player.open(f"{lang}/index.html")
    player.pass_course()
    player.go("_complete")
    player.go("rights/what")  # the page with the image
    player.page.locator("main img").evaluate("img => img.decode()")
    prefix = f"{player.server}/{lang}/"
    outside = [url for url in requests if not url.startswith(prefix)]
    assert outside == []
    files = {url[len(prefix):].split("#")[0] for url in requests}
    assert files == {"index.html", "data.js", "player/player.js", "player/player.css", "media/circle.svg"}
