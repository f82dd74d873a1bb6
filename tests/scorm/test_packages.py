"""The SCORM packages of a build: names, shapes, SCO counts, identifiers, files, options.

SCORM 1.2 CAM 2.3 and SCORM 2004 CAM 3.4 (content packages: imsmanifest.xml at the root, every file of a
resource listed, identifiers unique in the manifest).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from scorm_builds import FORMATS, MINIMAL, Built
from lxml import etree
from scorm_lms import NS12, NS2004

from qrscorm.build import build
from qrscorm.builders import BuildOptions
from qrscorm.cli import main
from qrscorm.errors import BuildError

SHAPES = {"": "single", "-multi": "multi"}


def _expected_paths(lang: str) -> set[str]:
    paths = set()
    for fmt in FORMATS:
        for light in ("", "-light"):
            paths |= {f"{lang}/mini-{lang}-{fmt}{light}.zip", f"{lang}/mini-{lang}-{fmt}-multi{light}.zip",
                      f"{lang}/modules/pre-survey-{fmt}{light}.zip", f"{lang}/modules/basics-{fmt}{light}.zip"}
    return paths


def _manifest(package: Path) -> etree._Element:
    with zipfile.ZipFile(package) as archive:
        return etree.fromstring(archive.read("imsmanifest.xml"))


def _ns(root: etree._Element) -> dict[str, str]:
    return NS12 if root.tag == f"{{{NS12['cp']}}}manifest" else NS2004


def test_package_names_shapes_and_sco_counts(minimal: Built) -> None:
    """Per language and version: single-SCO course, multi-SCO course (one SCO per module and survey), one
    package per module; light variants add -light; the report says each package's shape and SCO count."""
    report = minimal.report
    assert {p.path for p in report.packages} == _expected_paths("en") | _expected_paths("ar")
    for p in report.packages:
        name = Path(p.path).name
        if "/modules/" in p.path:
            assert (p.shape, p.sco_count, p.module) == ("module", 1, name.split("-scorm")[0])
        elif "-multi" in name:
            assert (p.shape, p.sco_count, p.module) == ("multi", 2, None)
        else:
            assert (p.shape, p.sco_count, p.module) == ("single", 1, None)
        assert p.light == name.endswith("-light.zip")
        root = _manifest(minimal.dist / p.path)
        items = root.findall("cp:organizations/cp:organization//cp:item", _ns(root))
        assert len(items) == p.sco_count
    saved = json.loads((minimal.dist / "build-report.json").read_text(encoding="utf-8"))
    assert {(p["path"], p["shape"], p["sco_count"]) for p in saved["packages"]} == \
        {(p.path, p.shape, p.sco_count) for p in report.packages}


def test_cli_prints_shape_and_sco_count(tmp_path: Path) -> None:
    """``qrscorm build --format scorm12`` lists every package with its shape and SCO count."""
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        main, ["build", "--course", str(MINIMAL), "--dist", str(tmp_path / "dist"), "--format", "scorm12",
               "--lang", "en", "--quiet"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "scorm12" in line and ".zip" in line]
    assert len(rows) == 4
    assert any(re.search(r"mini-en-scorm12-multi\.zip.*\bmulti\b.*\b2\b", row) for row in rows)
    assert any(re.search(r"mini-en-scorm12\.zip.*\bsingle\b.*\b1\b", row) for row in rows)
    assert sum(bool(re.search(r"modules/\S+-scorm12\.zip.*\bmodule\b.*\b1\b", row)) for row in rows) == 2


def test_identifiers_unique_per_language_and_package(minimal: Built) -> None:
    """No two packages share a manifest identifier, and inside a manifest every identifier is unique."""
    seen = {}
    for p in minimal.report.packages:
        root = _manifest(minimal.dist / p.path)
        identifier = root.get("identifier")
        assert identifier not in seen, f"{p.path} and {seen.get(identifier)} share {identifier}"
        seen[identifier] = p.path
        assert p.lang in identifier.split("-")
        ids = [e.get("identifier") for e in root.iter() if e.get("identifier")]
        assert len(ids) == len(set(ids))


def _copy_course(tmp_path: Path, version: str) -> Path:
    root = tmp_path / f"course-{version}"
    shutil.copytree(MINIMAL, root)
    course = root / "course.yaml"
    course.write_text(course.read_text(encoding="utf-8").replace("version: 1.0.0", f"version: {version}"),
                      encoding="utf-8")
    return root


def test_identifiers_stable_across_course_versions(tmp_path: Path) -> None:
    """A new course version keeps every identifier (the LMS updates the package in place) and stamps the new
    version in the manifest's version attribute and in its metadata."""
    builds = {}
    for version in ("1.0.0", "1.1.0"):
        dist = tmp_path / f"dist-{version}"
        build(_copy_course(tmp_path, version), dist, formats=FORMATS, langs=["en"])
        builds[version] = dist
    for path in sorted(p.relative_to(builds["1.0.0"]).as_posix() for p in builds["1.0.0"].rglob("*.zip")):
        old, new = (_manifest(builds[v] / path) for v in ("1.0.0", "1.1.0"))
        assert [e.get("identifier") for e in old.iter()] == [e.get("identifier") for e in new.iter()]
        assert (old.get("version"), new.get("version")) == ("1.0.0", "1.1.0")
        with zipfile.ZipFile(builds["1.1.0"] / path) as archive:
            if "scorm12" in path:
                meta = etree.fromstring(archive.read("metadata.xml"))
                version = meta.findtext("{*}lifecycle/{*}version/{*}langstring")
            else:
                version = new.findtext("cp:metadata/{*}lom/{*}lifeCycle/{*}version/{*}string", namespaces=NS2004)
        assert version == "1.1.0"


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    """Two builds of the same source give the same zips."""
    first, second = tmp_path / "a", tmp_path / "b"
    for dist in (first, second):
        build(MINIMAL, dist, formats=FORMATS, langs=["ar"])
    zips = sorted(p.relative_to(first) for p in first.rglob("*.zip"))
    assert len(zips) == 8
    for path in zips:
        assert (first / path).read_bytes() == (second / path).read_bytes()


def test_every_file_listed_and_present(minimal: Built) -> None:
    """Each resource lists its files and each listed file is in the zip; each file but the manifest, its
    metadata and schemas belongs to some resource; launch pages of SCOs exist."""
    for p in minimal.report.packages:
        with zipfile.ZipFile(minimal.dist / p.path) as archive:
            names = set(archive.namelist())
        root = _manifest(minimal.dist / p.path)
        ns = _ns(root)
        listed = {f.get("href") for f in root.iterfind("cp:resources/cp:resource/cp:file", ns)}
        assert listed <= names
        assert names - listed <= {"imsmanifest.xml", "metadata.xml"}
        for resource in root.iterfind("cp:resources/cp:resource[@href]", ns):
            assert resource.get("href") in names


def test_multi_sco_launch_pages_scope_their_module(minimal: Built) -> None:
    """Each SCO of a multi-SCO package has its own launch page whose QR_LAUNCH.scope is its module."""
    with zipfile.ZipFile(minimal.zip("en/mini-en-scorm12-multi.zip")) as archive:
        for module in ("pre-survey", "basics"):
            html = archive.read(f"sco-{module}.html").decode()
            launch = json.loads(re.search(r"window\.QR_LAUNCH = (\{.*?\});", html).group(1))
            assert (launch["runtime"], launch["scope"]) == ("scorm12", module)
        assert "index.html" not in archive.namelist()


def test_module_option_builds_only_those_modules(tmp_path: Path) -> None:
    """``--module basics`` builds that module's own packages and nothing else."""
    report = build(MINIMAL, tmp_path, formats=FORMATS, langs=["en"], modules=["basics"])
    assert sorted(p.path for p in report.packages) == ["en/modules/basics-scorm12.zip",
                                                        "en/modules/basics-scorm2004.zip"]


def test_xsd_dir_copies_the_standard_schemas(tmp_path: Path, spec: Path) -> None:
    """``--xsd-dir`` puts the standard schema files at the package root (never the project's wrappers)."""
    report = build(MINIMAL, tmp_path, formats=FORMATS, langs=["en"], options=BuildOptions(xsd_dir=str(spec)))
    with zipfile.ZipFile(tmp_path / "en/mini-en-scorm12.zip") as archive:
        names = set(archive.namelist())
    assert {"imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd"} <= names
    with zipfile.ZipFile(tmp_path / "en/modules/basics-scorm2004.zip") as archive:
        names = set(archive.namelist())
        assert archive.read("imsss_v1p0.xsd") == (spec / "scorm2004-4th/imsss_v1p0.xsd").read_bytes()
    assert {"imscp_v1p1.xsd", "adlcp_v1p3.xsd", "adlseq_v1p3.xsd", "adlnav_v1p3.xsd", "lom.xsd", "xml.xsd",
            "common/anyElement.xsd", "vocab/loose.xsd", "unique/loose.xsd"} <= names
    assert "validate.xsd" not in names
    assert all(p.size > 0 for p in report.packages)


def test_xsd_dir_incomplete_is_a_clear_error(tmp_path: Path) -> None:
    """A folder without the schema set stops the build with the missing files named; dist/ is untouched."""
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas/imscp_rootv1p1p2.xsd").write_text("<x/>", encoding="utf-8")
    with pytest.raises(BuildError, match=r"scorm12 schema set is incomplete .*adlcp_rootv1p2\.xsd"):
        build(MINIMAL, tmp_path / "dist", formats=["scorm12"], langs=["en"],
              options=BuildOptions(xsd_dir=str(tmp_path / "schemas")))
    assert not list((tmp_path / "dist").rglob("*.zip"))
