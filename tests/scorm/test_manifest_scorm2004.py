"""SCORM 2004 4th edition manifests, checked with namespaced XPath and against the SCORM 2004 schemas.

SCORM 2004 4th ed. CAM 3.4 (manifest, items, resources with adlcp:scormType), CAM 4 (LOM metadata),
SN 5 (the sequencing definition model: controlMode, rollupRules with rollupObjectiveSatisfied and
objectiveMeasureWeight, primaryObjective satisfiedByMeasure with minNormalizedMeasure, deliveryControls).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from scorm_builds import Built
from lxml import etree
from scorm_lms import NS2004

from qrscorm.builders.manifest import validate


def _read(package: Path) -> tuple[etree._Element, dict[str, bytes]]:
    with zipfile.ZipFile(package) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return etree.fromstring(files["imsmanifest.xml"]), files


def _xpath(element: etree._Element, path: str) -> list:
    return element.xpath(path, namespaces=NS2004)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_single_sco_manifest(minimal: Built, lang: str) -> None:
    """One SCO; inline LOM with identifier, title, language and version; the course item has no objective
    satisfied by measure (the pass rule is no score threshold); the player reports status itself."""
    root, files = _read(minimal.zip(f"{lang}/mini-{lang}-scorm2004.zip"))
    assert root.get("identifier") == f"mini-{lang}-scorm2004" and root.get("version") == "1.0.0"
    assert _xpath(root, "cp:metadata/cp:schemaversion/text()") == ["2004 4th Edition"]
    (lom,) = _xpath(root, "cp:metadata/lom:lom")
    assert _xpath(lom, "lom:general/lom:identifier/lom:entry/text()") == ["https://example.org/xapi/activities/mini"]
    assert _xpath(lom, "lom:general/lom:language/text()") == [lang]
    assert _xpath(lom, "lom:general/lom:title/lom:string/@language") == [lang]
    assert _xpath(lom, "lom:lifeCycle/lom:version/lom:string/text()") == ["1.0.0"]
    (org,) = _xpath(root, "cp:organizations/cp:organization")
    assert org.get(f"{{{NS2004['adlseq']}}}objectivesGlobalToSystem") == "false"
    (item,) = _xpath(org, "cp:item")
    assert _xpath(item, ".//imsss:primaryObjective") == []
    assert _xpath(item, "imsss:sequencing/imsss:deliveryControls/@completionSetByContent") == ["true"]
    assert _xpath(item, "imsss:sequencing/imsss:deliveryControls/@objectiveSetByContent") == ["true"]
    (resource,) = _xpath(root, "cp:resources/cp:resource")
    assert (resource.get("href"), resource.get(f"{{{NS2004['adlcp']}}}scormType")) == ("index.html", "sco")
    assert set(_xpath(resource, "cp:file/@href")) == set(files) - {"imsmanifest.xml"}
    assert "player/rt-scorm2004.js" in files


@pytest.mark.parametrize(("module", "measure"), [("basics", ["0.8000"]), ("pre-survey", [])])
def test_module_manifest_mastery(minimal: Built, module: str, measure: list[str]) -> None:
    """A lesson's own package: primary objective satisfied by measure at the module's mastery (0-1)."""
    root, _ = _read(minimal.zip(f"en/modules/{module}-scorm2004.zip"))
    (item,) = _xpath(root, "cp:organizations/cp:organization/cp:item")
    objective = _xpath(item, "imsss:sequencing/imsss:objectives/imsss:primaryObjective")
    assert _xpath(item, "imsss:sequencing/imsss:objectives/imsss:primaryObjective/imsss:minNormalizedMeasure/text()"
                  ) == measure
    assert [o.get("satisfiedByMeasure") for o in objective] == ["true"] * len(measure)


def test_multi_sco_sequencing(minimal: Built) -> None:
    """Choice and flow; completion and success rolled up to the course by explicit rules; the survey SCO is left
    out of the success rollup and weighs nothing in the measure rollup; the lesson keeps weight 1."""
    root, _ = _read(minimal.zip("en/mini-en-scorm2004-multi.zip"))
    (org,) = _xpath(root, "cp:organizations/cp:organization")
    (mode,) = _xpath(org, "imsss:sequencing/imsss:controlMode")
    assert (mode.get("choice"), mode.get("flow")) == ("true", "true")
    rules = {
        (r.get("childActivitySet"), r.find("imsss:rollupAction", NS2004).get("action")):
            [(c.get("condition"), c.get("operator")) for c in _xpath(r, "imsss:rollupConditions/imsss:rollupCondition")]
        for r in _xpath(org, "imsss:sequencing/imsss:rollupRules/imsss:rollupRule")}
    assert rules == {
        ("all", "satisfied"): [("satisfied", "noOp")],
        ("any", "notSatisfied"): [("objectiveStatusKnown", "noOp"), ("satisfied", "not")],
        ("all", "completed"): [("completed", "noOp")],
        ("any", "incomplete"): [("activityProgressKnown", "noOp"), ("completed", "not")],
    }
    assert _xpath(org, "imsss:sequencing//imsss:primaryObjective") == []  # the root is not satisfied by measure
    survey, lesson = _xpath(org, "cp:item")
    (survey_rollup,) = _xpath(survey, "imsss:sequencing/imsss:rollupRules")
    assert survey_rollup.get("rollupObjectiveSatisfied") == "false"
    assert float(survey_rollup.get("objectiveMeasureWeight")) == 0
    assert survey_rollup.get("rollupProgressCompletion") in (None, "true")  # a survey counts for completion
    assert _xpath(lesson, "imsss:sequencing/imsss:rollupRules") == []  # defaults: contributes, weight 1
    assert _xpath(lesson, ".//imsss:primaryObjective/@satisfiedByMeasure") == ["true"]
    resources = _xpath(root, "cp:resources/cp:resource")
    assert [r.get("identifier") for r in resources] == ["res_shared", "res-pre-survey", "res-basics"]
    assert resources[0].get(f"{{{NS2004['adlcp']}}}scormType") == "asset"


def test_every_scorm2004_manifest_validates(minimal: Built, spec: Path) -> None:
    """Every SCORM 2004 manifest of the build, each language, full and light, is valid (SCORM 2004 schemas)."""
    schema = spec / "scorm2004-4th" / "validate.xsd"
    checked = 0
    for p in minimal.report.packages:
        if p.format == "scorm2004":
            _, files = _read(minimal.dist / p.path)
            assert validate(files["imsmanifest.xml"], schema) == [], p.path
            checked += 1
    assert checked == 16


def test_schema_check_catches_broken_sequencing(minimal: Built, spec: Path) -> None:
    """The check is real: an unknown rollup condition and a measure above 1 are refused."""
    _, files = _read(minimal.zip("en/mini-en-scorm2004-multi.zip"))
    schema = spec / "scorm2004-4th" / "validate.xsd"
    assert validate(files["imsmanifest.xml"].replace(b'condition="objectiveStatusKnown"', b'condition="known"'),
                    schema)
    assert validate(files["imsmanifest.xml"].replace(b">0.8000<", b">80<"), schema)
