"""WebVTT caption and description files: the text of each cue, and putting translated cue text back.

Only cue text is translated; the header, cue timings and settings, NOTE, STYLE and REGION blocks are kept as they
are (WebVTT: W3C Candidate Recommendation, section 4 "Syntax").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIMING = re.compile(r"^(\S+)\s+-->\s+\S+")


class VttError(ValueError):
    """The file is not WebVTT as the course uses it."""


@dataclass(frozen=True)
class Cue:
    """One cue: its start time (used in ids) and the lines of its text."""

    start: str
    first_line: int  # 0-based line of the first text line
    line_count: int
    text: str  # lines joined with "\n"


def read_cues(text: str) -> list[Cue]:
    """List the cues of a WebVTT file, in order."""
    lines = text.split("\n")
    if not lines or not lines[0].startswith("WEBVTT"):
        raise VttError("line 1: a WebVTT file starts with 'WEBVTT'")
    cues = []
    number = 0
    while number < len(lines):
        match = _TIMING.match(lines[number])
        if match and "-->" in lines[number]:
            first = number + 1
            end = first
            while end < len(lines) and lines[end].strip():
                end += 1
            if end == first:
                raise VttError(f"line {number + 1}: the cue has no text")
            cues.append(Cue(match[1], first, end - first, "\n".join(lines[first:end])))
            number = end
        else:
            number += 1
    return cues


def cue_ids(cues: list[Cue]) -> list[str]:
    """Ids from the cues' start times (``00:00:02.500``), which do not change when other cues are edited."""
    ids: list[str] = []
    for cue in cues:
        candidate, number = cue.start, 1
        while candidate in ids:
            number += 1
            candidate = f"{cue.start}-{number}"
        ids.append(candidate)
    return ids


def cue_problem(value: str) -> str | None:
    """Say why ``value`` cannot be cue text, or None."""
    if not value.strip():
        return "the translation is empty"
    if "-->" in value:
        return "cue text must not contain '-->'"
    if any(not line.strip() for line in value.split("\n")):
        return "cue text must not contain an empty line (it would end the cue)"
    return None


def replace_cues(text: str, cues: list[Cue], values: dict[int, str]) -> str:
    """Return the file with the text of the cues at the given indexes replaced."""
    lines = text.split("\n")
    for index in sorted(values, reverse=True):
        cue = cues[index]
        lines[cue.first_line:cue.first_line + cue.line_count] = values[index].split("\n")
    return "\n".join(lines)
