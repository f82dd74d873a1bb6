"""The learner-facing player put into every package: its static files and the launch page.

The player is one vanilla HTML/CSS/JavaScript runtime (``static/player.js``, ``static/player.css``); the
standalone runtime lives inside ``player.js``. A package adds the runtime adapter of its format
(``rt-<runtime>.js``, plus ``xapi-client.js``, ``xapi-launch.js`` and the diagnostics page of the statement
queue for the xAPI-based ones; SCORM packages built to forward statements add ``forward``). The launch page carries
``window.QR_LAUNCH`` and loads ``data.js`` (``window.QR_DATA``), then ``player.js``, then the adapters.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

# Runtime -> the adapter files it adds to the core, in load order.
RUNTIMES: dict[str, tuple[str, ...]] = {
    "standalone": (),
    "scorm12": ("rt-scorm12.js",),
    "scorm2004": ("rt-scorm2004.js",),
    "xapi": ("xapi-client.js", "xapi-launch.js", "rt-xapi.js", "diagnostics.html"),
    "cmi5": ("xapi-client.js", "xapi-launch.js", "rt-cmi5.js", "diagnostics.html"),
    # Not a runtime of its own: added to SCORM packages built with --forward-lrs (the adapters' forwarding hook).
    "forward": ("xapi-client.js", "xapi-forward.js", "diagnostics.html"),
}
CORE = ("player.js", "player.css")
DIRECTIONS = ("ltr", "rtl")
_RUNTIME_NAME = re.compile(r"[a-z][a-z0-9-]*")
# Characters that could close the inline <script> early, or that old engines read as line breaks.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}

__all__ = ["CORE", "RUNTIMES", "player_files", "render_index"]


def player_files(runtimes: list[str]) -> dict[str, bytes]:
    """Return the static files a package needs for ``runtimes``, by file name: the core first, then adapters.

    Raises:
        ValueError: a runtime is unknown, or an adapter file it needs is not in the player folder.
    """
    unknown = [r for r in runtimes if r not in RUNTIMES]
    if unknown:
        raise ValueError(f"unknown player runtime {', '.join(map(repr, unknown))} (known: {', '.join(RUNTIMES)})")
    names = dict.fromkeys([*CORE, *(name for r in runtimes for name in RUNTIMES[r])])
    static = resources.files(__package__) / "static"
    files = {}
    for name in names:
        resource = static / name
        if not resource.is_file():
            needed_by = ", ".join(r for r in runtimes if name in RUNTIMES[r]) or "every package"
            raise ValueError(f"player file qrscorm/player/static/{name} is missing (needed by {needed_by})")
        files[name] = resource.read_bytes()
    return files


def render_index(*, lang: str, dir: str, title: str, scripts: list[str], styles: list[str],
                 launch: dict[str, Any]) -> str:
    """Render the launch page that loads ``styles`` and ``scripts`` (in order) with ``launch`` as QR_LAUNCH.

    Raises:
        ValueError: ``dir`` is not ltr or rtl, or ``launch["runtime"]`` is not a runtime name.
    """
    if dir not in DIRECTIONS:
        raise ValueError(f"launch page text direction must be ltr or rtl, not {dir!r}")
    runtime = launch.get("runtime")
    if not isinstance(runtime, str) or not _RUNTIME_NAME.fullmatch(runtime):
        raise ValueError(f"launch runtime must be a runtime name such as 'scorm12', not {runtime!r}")
    text = json.dumps(launch, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    launch_json = Markup("".join(_SCRIPT_ESCAPES.get(c, c) for c in text))
    return _index_template().render(lang=lang, dir=dir, title=title, scripts=scripts, styles=styles,
                                    launch_json=launch_json)


@functools.cache
def _index_template() -> Template:
    # Compiled once per process: a build renders one launch page per package (hundreds), and compiling the
    # template took most of the time of a rebuild that changes nothing.
    env = Environment(loader=PackageLoader(__package__, "templates"), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    return env.get_template("index.html.j2")
