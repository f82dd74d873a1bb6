"""Suspend data stays within SCORM 1.2's 4,096 characters for the whole course in one SCO, every answer given.

cmi.suspend_data is a CMIString4096 (SCORM 1.2 RTE 3.4.4).
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

SCORM12_SUSPEND_DATA_MAX = 4096


def test_suspend_data_played_course_within_scorm12_limit(player):
    """The state saved after playing the whole fixture course, every question answered, fits, and decodes back."""
    player.open("en/survey-lms.html")
    player.pass_course()
    state = player.storage("qr-record:saved")["state"]
    assert len(state) <= SCORM12_SUSPEND_DATA_MAX
    assert state.isascii()
    decoded = player.page.evaluate("s => QR.codec.decode(s).state", state)
    assert decoded["rights"]["q"] == [["b"], ["a", "c"], ["true"]]
    assert decoded["capacity"]["r"] == "p"
    assert decoded["post-survey"]["s"] == [5, 1, 5, 1]
    round_trip = "s => { const d = QR.codec.decode(s); return QR.codec.encode(d.state, d.day); }"
    assert player.page.evaluate(round_trip, state) == state


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_suspend_data_worst_case_within_scorm12_limit(player, lang):
    """The largest state the codec can write for the course fits, whatever the language (it holds ids only)."""
    player.open(f"{lang}/survey-lms.html")
    state = player.worst_case_state()
    assert len(state) <= SCORM12_SUSPEND_DATA_MAX, f"{len(state)} characters"
    assert state.isascii()
    print(json.dumps({"lang": lang, "worst_case_suspend_data_chars": len(state)}))
