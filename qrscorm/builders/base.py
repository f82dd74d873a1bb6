"""What every package builder shares: the plan of a package and the player payload inside it."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from ..package import Content
from ..player import player_files, render_index
from ..render import RenderedCourse
from ..source.model import Course


@dataclass(frozen=True)
class BuildOptions:
    """Options that change what goes into packages."""

    light: bool = False
    xsd_dir: str | None = None  # copy the standard schema files from here into SCORM packages
    forward_lrs: str | None = None  # also send xAPI statements from SCORM packages to this LRS endpoint
    forward_key: str | None = None
    record_survey_in_lms: bool = False


@dataclass
class PackagePlan:
    """One output: its place under dist/, what it holds, and facts for the build report."""

    path: str  # relative to dist/; ends with "/" for a folder
    format: str
    lang: str
    files: dict[str, Content]
    module: str | None = None  # None for a whole-course package
    shape: str = "single"  # single (one SCO/AU for the course), multi (one per module), module, folder
    sco_count: int = 1
    light: bool = False
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def is_folder(self) -> bool:
        """Whether the output is a folder rather than a zip."""
        return self.path.endswith("/")


class Builder:
    """Turns the rendered course in one language into package plans. One subclass per format."""

    name: ClassVar[str]
    runtime: ClassVar[str]  # the player runtime adapter the packages use
    description: ClassVar[str]

    def plans(self, course: Course, rendered: RenderedCourse, options: BuildOptions,
              modules: list[str] | None) -> Iterator[PackagePlan]:
        """Yield the packages of this format for one language (``modules`` limits module packages)."""
        raise NotImplementedError


def launch_config(runtime: str, scope: str | None, options: BuildOptions, **extra: object) -> dict[str, object]:
    """The ``window.QR_LAUNCH`` object of a launch page."""
    forward = None
    if options.forward_lrs and options.forward_key:
        forward = {"endpoint": options.forward_lrs, "key": options.forward_key}
    return {"runtime": runtime, "scope": scope,
            "options": {"recordSurveyInLms": options.record_survey_in_lms, "forward": forward, **extra}}


def player_payload(rendered: RenderedCourse, runtime: str, module_id: str | None,
                   launch_pages: dict[str, dict[str, object]]) -> dict[str, Content]:
    """The player, its data and media, and one launch page per entry of ``launch_pages`` (name -> QR_LAUNCH)."""
    runtimes = [runtime]
    if any(t.cast("dict[str, object]", launch["options"]).get("forward") for launch in launch_pages.values()):
        runtimes.append("forward")  # the xAPI client behind the SCORM adapters' forwarding hook
    static = player_files(runtimes)
    files: dict[str, Content] = {f"player/{name}": data for name, data in static.items()}
    # The core first (adapters register themselves with it), shared clients next, adapters last.
    order = {"player.js": 0, "xapi-client.js": 1, "xapi-launch.js": 1, "xapi-forward.js": 1}
    js = sorted((name for name in static if name.endswith(".js")), key=lambda n: (order.get(n, 2), n))
    scripts = ["data.js"] + [f"player/{name}" for name in js]
    styles = [f"player/{name}" for name in static if name.endswith(".css")]
    files["data.js"] = rendered.data_js(module_id)
    files.update(rendered.media(module_id))
    data = rendered.data(module_id)
    title = data["modules"][0]["title"] if module_id else data["course"]["title"]
    for page, launch in launch_pages.items():
        html = render_index(lang=rendered.lang.code, dir=rendered.lang.direction, title=title, scripts=scripts,
                            styles=styles, launch=launch)
        files[page] = html.encode()
    return files
