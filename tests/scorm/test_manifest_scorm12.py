"""SCORM 1.2 manifests, checked with namespaced XPath and against the SCORM 1.2 schemas.

SCORM 1.2 CAM 2.3.3 (imsmanifest.xml: organizations, items, adlcp:masteryscore 0-100, resources with
adlcp:scormtype sco/asset, metadata by adlcp:location), IMS CP 1.1.2.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from scorm_builds import Built
from lxml import etree
from scorm_lms import NS12

from qrscorm.builders.manifest import validate

MD = {"md": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"}


def _read(package: Path) -> tuple[etree._Element, dict[str, bytes]]:
    with zipfile.ZipFile(package) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return etree.fromstring(files["imsmanifest.xml"]), files


def _xpath(root: etree._Element, path: str) -> list:
    return root.xpath(path, namespaces=NS12)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_single_sco_manifest(minimal: Built, lang: str) -> None:
    """One item over one SCO that launches index.html and lists every file; no mastery at course level;
    version stamped; metadata in metadata.xml referenced by adlcp:location."""
    root, files = _read(minimal.zip(f"{lang}/mini-{lang}-scorm12.zip"))
    assert root.get("identifier") == f"mini-{lang}-scorm12"
    assert root.get("version") == "1.0.0"
    assert _xpath(root, "cp:metadata/cp:schema/text()") == ["ADL SCORM"]
    assert _xpath(root, "cp:metadata/cp:schemaversion/text()") == ["1.2"]
    assert _xpath(root, "cp:metadata/adlcp:location/text()") == ["metadata.xml"]
    assert not root.xpath("//*[local-name()='lom']")  # no inline metadata: it cannot be validated in 1.2
    (org,) = _xpath(root, "cp:organizations/cp:organization")
    assert _xpath(root, "cp:organizations/@default") == [org.get("identifier")]
    (item,) = _xpath(org, "cp:item")
    title = {"en": "Mini course", "ar": "دورة صغيرة"}[lang]
    assert _xpath(item, "cp:title/text()") == [title]
    assert _xpath(item, "adlcp:masteryscore") == []  # the course pass rule is no score threshold
    (resource,) = _xpath(root, "cp:resources/cp:resource")
    assert resource.get("identifier") == item.get("identifierref")
    assert (resource.get("href"), resource.get(f"{{{NS12['adlcp']}}}scormtype"), resource.get("type")) == \
        ("index.html", "sco", "webcontent")
    listed = set(_xpath(resource, "cp:file/@href"))
    assert listed == set(files) - {"imsmanifest.xml", "metadata.xml"}
    assert {"index.html", "data.js", "player/player.js", "player/rt-scorm12.js"} <= listed
    meta = etree.fromstring(files["metadata.xml"])
    assert meta.xpath("md:lifecycle/md:version/md:langstring/text()", namespaces=MD) == ["1.0.0"]
    assert meta.xpath("md:general/md:title/md:langstring/text()", namespaces=MD) == [title]
    assert meta.xpath("md:general/md:language/text()", namespaces=MD) == [lang]
    assert meta.xpath("md:general/md:catalogentry/md:entry/md:langstring/text()", namespaces=MD) == \
        ["https://example.org/xapi/activities/mini"]


def test_multi_sco_manifest(minimal: Built) -> None:
    """One SCO per module, in course order; the lesson item carries the module's masteryscore, the survey none;
    the shared files are one asset every SCO depends on."""
    root, files = _read(minimal.zip("en/mini-en-scorm12-multi.zip"))
    items = _xpath(root, "cp:organizations/cp:organization/cp:item")
    assert [i.get("identifier") for i in items] == ["item-pre-survey", "item-basics"]
    assert [_xpath(i, "adlcp:masteryscore/text()") for i in items] == [[], ["80"]]
    resources = {r.get("identifier"): r for r in _xpath(root, "cp:resources/cp:resource")}
    shared = resources.pop("res_shared")
    assert shared.get(f"{{{NS12['adlcp']}}}scormtype") == "asset" and shared.get("href") is None
    assert {"data.js", "player/player.js"} <= set(_xpath(shared, "cp:file/@href"))
    for item in items:
        resource = resources[item.get("identifierref")]
        module = item.get("identifier").removeprefix("item-")
        assert resource.get("href") == f"sco-{module}.html" and f"sco-{module}.html" in files
        assert _xpath(resource, "cp:file/@href") == [f"sco-{module}.html"]
        assert _xpath(resource, "cp:dependency/@identifierref") == ["res_shared"]


@pytest.mark.parametrize(("module", "mastery"), [("basics", ["80"]), ("pre-survey", [])])
def test_module_manifest(minimal: Built, module: str, mastery: list[str]) -> None:
    """A module's own package: its title, its mastery (lessons only), its IRI in the metadata."""
    root, files = _read(minimal.zip(f"en/modules/{module}-scorm12.zip"))
    (item,) = _xpath(root, "cp:organizations/cp:organization/cp:item")
    assert _xpath(item, "adlcp:masteryscore/text()") == mastery
    meta = etree.fromstring(files["metadata.xml"])
    assert meta.xpath("md:general/md:catalogentry/md:entry/md:langstring/text()", namespaces=MD) == \
        [f"https://example.org/xapi/activities/mini/modules/{module}"]
    assert b'"scope":"%s"' % module.encode() in files["index.html"]


def test_every_scorm12_manifest_validates(minimal: Built, spec: Path) -> None:
    """Every SCORM 1.2 manifest of the build, each language, full and light, is valid (SCORM 1.2 schemas)."""
    schema = spec / "scorm12" / "validate.xsd"
    checked = 0
    for p in minimal.report.packages:
        if p.format == "scorm12":
            root, files = _read(minimal.dist / p.path)
            assert validate(files["imsmanifest.xml"], schema) == [], p.path
            checked += 1
    assert checked == 16


def test_schema_check_catches_a_broken_manifest(minimal: Built, spec: Path) -> None:
    """The check is real: a manifest with a SCORM 2004 spelling of scormtype and inline metadata fails."""
    _, files = _read(minimal.zip("en/mini-en-scorm12.zip"))
    broken = files["imsmanifest.xml"].replace(b'adlcp:scormtype="sco"', b'adlcp:scormType="sco"')
    errors = validate(broken, spec / "scorm12" / "validate.xsd")
    assert errors and any("scormType" in e for e in errors)
    inline = files["imsmanifest.xml"].replace(
        b"<adlcp:location>metadata.xml</adlcp:location>",
        b'<lom xmlns="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"/>')
    assert validate(inline, spec / "scorm12" / "validate.xsd")
