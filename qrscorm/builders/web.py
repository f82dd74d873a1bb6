"""The web export: a folder per language that a translator or reviewer opens in a browser (no LMS needed)."""

from __future__ import annotations

from collections.abc import Iterator

from ..render import RenderedCourse
from ..source.model import Course
from .base import Builder, BuildOptions, PackagePlan, launch_config, player_payload


class WebBuilder(Builder):
    """``dist/<lang>/web/index.html``: the whole course in the player's standalone mode."""

    name = "web"
    runtime = "standalone"
    description = "static HTML export for review (open index.html in a browser)"

    def plans(self, course: Course, rendered: RenderedCourse, options: BuildOptions,
              modules: list[str] | None) -> Iterator[PackagePlan]:
        launch = launch_config(self.runtime, None, options)
        files = player_payload(rendered, self.runtime, None, {"index.html": launch})
        suffix = "-light" if options.light else ""
        yield PackagePlan(path=f"{rendered.lang.code}/web{suffix}/", format=self.name, lang=rendered.lang.code,
                          files=files, shape="folder", sco_count=0, light=options.light)
