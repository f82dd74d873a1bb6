"""Player size: JavaScript plus CSS in each kind of package, and the light single-SCO package.

Run: ``.venv/bin/python bench/bench_player.py``.

Builds the course's packages for one language (every format, with ``--light`` variants) into
a temporary folder and reads them as an LMS would receive them:

- the player's JavaScript and CSS (``player/*.js``, ``player/*.css``) in each whole-course
  package, uncompressed; the course's own content (``data.js``) is not the player;
- the size of each light whole-course package (video replaced by its still and
  transcript), the single-SCO one being what a low-bandwidth ministry loads.

Targets: player JS + CSS under 60 KB; light single-SCO package under 1 MB.
"""

from __future__ import annotations

import argparse
import tempfile
import zipfile
from pathlib import Path

from bench_build import pin_generator, run_build
from common import ROOT, emit, print_table, verdict

PLAYER_TARGET_KB = 60.0
LIGHT_TARGET_KB = 1024.0


def player_bytes(package: Path) -> dict[str, int]:
    """Return the uncompressed size of each player JS/CSS file in a zip package."""
    with zipfile.ZipFile(package) as archive:
        return {info.filename: info.file_size for info in archive.infolist()
                if info.filename.startswith("player/") and info.filename.endswith((".js", ".css"))}


def main() -> None:
    """Measure the player and the light packages of one language; print the table and JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="qrscorm-player-") as scratch:
        dist = Path(scratch) / "dist"
        built = run_build(ROOT / "course_src", dist, "--lang", args.lang, "--light",
                          generator=pin_generator(Path(scratch)))
        packages = [p for p in built["report"]["packages"] if p["module"] is None and p["format"] != "web"]
        rows, figures = [], {"lang": args.lang, "packages": {}}
        for package in packages:
            files = player_bytes(dist / package["path"])
            total_kb = sum(files.values()) / 1024
            figures["packages"][package["path"]] = {
                "format": package["format"], "shape": package["shape"], "light": package["light"],
                "size_kb": round(package["size"] / 1024, 1), "player_kb": round(total_kb, 1),
                "player_files": files,
            }
            light_single = package["light"] and package["shape"] == "single"
            rows.append([package["path"], package["format"], package["shape"] + (" light" if package["light"] else ""),
                         round(total_kb, 1), round(package["size"] / 1024, 1),
                         verdict(total_kb, PLAYER_TARGET_KB, lower_is_better=True) + (
                             "" if not light_single else
                             ", " + verdict(package["size"] / 1024, LIGHT_TARGET_KB, lower_is_better=True))])
    player_max = max(p["player_kb"] for p in figures["packages"].values())
    light_singles = [p["size_kb"] for p in figures["packages"].values() if p["light"] and p["shape"] == "single"]
    figures["player_kb_max"] = player_max
    figures["light_single_sco_kb_max"] = max(light_singles, default=0.0)
    print_table(f"Player JS+CSS (target < {PLAYER_TARGET_KB:.0f} KB) and light single-SCO packages "
                f"(target < {LIGHT_TARGET_KB / 1024:.0f} MB), language {args.lang}",
                ["package", "format", "shape", "player JS+CSS KB", "package KB", "verdict"], rows)
    emit("player", figures)


if __name__ == "__main__":
    main()
