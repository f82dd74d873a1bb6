"""Every SCORM manifest of the real course, in every translated language, validates against the schemas.

SCORM 1.2 CAM (schemas imscp_rootv1p1p2 + adlcp_rootv1p2) and SCORM 2004 4th ed. CAM (imscp_v1p1, adlcp_v1p3,
adlseq_v1p3, adlnav_v1p3, imsss_v1p0, LOM), through the wrappers in ../shared/spec (see its README).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from scorm_builds import COURSE_SRC, FORMATS, Built

from qrscorm.builders.manifest import validate
from qrscorm.source.loader import load_course

SCHEMAS = {"scorm12": "scorm12/validate.xsd", "scorm2004": "scorm2004-4th/validate.xsd"}


def test_real_course_manifests_validate(real: Built, spec: Path) -> None:
    languages = real.report.languages
    assert languages, "the real course has no translated language"
    checked: dict[tuple[str, str], int] = {}
    problems = []
    for p in real.report.packages:
        with zipfile.ZipFile(real.dist / p.path) as archive:
            errors = validate(archive.read("imsmanifest.xml"), spec / SCHEMAS[p.format])
        problems += [f"{p.path}: {e}" for e in errors]
        checked[(p.lang, p.format)] = checked.get((p.lang, p.format), 0) + 1
    assert problems == []
    modules = len(load_course(COURSE_SRC).modules)
    for lang in languages:
        for fmt in FORMATS:
            assert checked[(lang, fmt)] == 2 + modules, (lang, fmt)  # single, multi, one per module
