"""The xAPI (tincan.xml) and cmi5 packages as files: names, manifests, IRIs, languages, player files, size.

tincan.xml follows ``spec/tincan/lms_lrs.md`` (Packaging, Activity Definition: exactly one tincan.xml at the
root, only one launchable activity); cmi5.xml must validate against ``spec/cmi5/v1/CourseStructure.xsd``
(cmi5 §13-14). No schema of tincan.xml is public (spec/README.md), so its structure is checked with XPath.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qrscorm.build import build
from qrscorm.builders import BuildOptions
from qrscorm.iris import module_iri
from tests.xapi.harness import MINIMAL, REPO

XSD = REPO.parent / "shared" / "spec" / "cmi5" / "v1" / "CourseStructure.xsd"
TC = {"t": "http://projecttincan.com/tincan.xsd"}
C5 = {"c": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
IRI = "https://example.org/xapi/activities/mini"
BUDGET = 60 * 1024  # every .js and .css file of one package, uncompressed
FORWARD = BuildOptions(forward_lrs="https://lrs.example.org/xapi/", forward_key="fwd-key:fwd-secret-0123456789abcdef")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal course's xAPI and cmi5 packages (en, ar), built with a forward key that they must not carry."""
    out = tmp_path_factory.mktemp("dist")
    build(MINIMAL, out, formats=["xapi", "cmi5"], options=FORWARD)
    return out


@pytest.fixture(scope="module")
def forwarding(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal course's SCORM packages built with --forward-lrs/--forward-key (English)."""
    out = tmp_path_factory.mktemp("dist-forward")
    build(MINIMAL, out, formats=["scorm12", "scorm2004"], langs=["en"], options=FORWARD)
    return out


def _names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def _read(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def _xml(path: Path, name: str) -> etree._Element:
    return etree.fromstring(_read(path, name), etree.XMLParser(no_network=True, resolve_entities=False))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_xapi_packages_per_course_and_module(dist: Path, lang: str) -> None:
    """One course package and one package per module, each with exactly one tincan.xml, at the root."""
    found = sorted(str(p.relative_to(dist)) for p in dist.glob(f"{lang}/**/*xapi.zip"))
    assert found == [f"{lang}/mini-{lang}-xapi.zip", f"{lang}/modules/basics-xapi.zip",
                     f"{lang}/modules/pre-survey-xapi.zip"]
    for name in found:
        entries = _names(dist / name)
        assert [e for e in entries if e.rsplit("/", 1)[-1] == "tincan.xml"] == ["tincan.xml"]
        assert "index.html" in entries


def test_tincan_course_package_launches_the_course(dist: Path) -> None:
    """Only the root activity has a launch element (lms_lrs.md), and it names a file of the package."""
    package = dist / "en/mini-en-xapi.zip"
    root = _xml(package, "tincan.xml")
    launching = root.xpath("//t:activity[t:launch]", namespaces=TC)
    assert [a.get("id") for a in launching] == [IRI]
    assert launching[0].get("type") == "http://adlnet.gov/expapi/activities/course"
    assert root.xpath("//t:launch/text()", namespaces=TC) == ["index.html"]
    assert root.xpath("//t:launch/@lang", namespaces=TC) == ["en"]


def test_tincan_module_package_launches_the_module(dist: Path) -> None:
    """A module's package launches the module, whose IRI is the one every format uses."""
    root = _xml(dist / "ar/modules/basics-xapi.zip", "tincan.xml")
    launching = root.xpath("//t:activity[t:launch]", namespaces=TC)
    assert [a.get("id") for a in launching] == [module_iri(IRI, "basics")]
    assert root.xpath("//t:launch/@lang", namespaces=TC) == ["ar"]
    assert not root.xpath("//t:activity[@id=$iri]", iri=module_iri(IRI, "pre-survey"), namespaces=TC)


def test_tincan_activity_ids_and_languages(dist: Path) -> None:
    """Every activity id is under the course's IRI base; names come in each language, the package's first."""
    for lang, other in (("en", "ar"), ("ar", "en")):
        root = _xml(dist / f"{lang}/mini-{lang}-xapi.zip", "tincan.xml")
        activities = root.xpath("//t:activity", namespaces=TC)
        assert activities and all(a.get("id") == IRI or a.get("id").startswith(IRI + "/") for a in activities)
        for activity in activities:
            assert activity.xpath("t:name/@lang", namespaces=TC) == [lang, other]
        module = root.xpath("//t:activity[@id=$iri]", iri=module_iri(IRI, "basics"), namespaces=TC)[0]
        assert module.xpath("t:description/@lang", namespaces=TC) == [lang, other]
    ar = _xml(dist / "ar/mini-ar-xapi.zip", "tincan.xml")
    assert ar.xpath("//t:activity[@id=$iri]/t:name[@lang='ar']/text()", iri=module_iri(IRI, "basics"),
                    namespaces=TC) == ["الأساسيات"]


def test_tincan_interactions(dist: Path) -> None:
    """Quiz questions are choice or true-false interactions with their correct response pattern; survey items
    are likert interactions with their scale and no pattern (Data 2.4.4.1.2)."""
    root = _xml(dist / "en/mini-en-xapi.zip", "tincan.xml")

    def activity(path: str) -> etree._Element:
        return root.xpath("//t:activity[@id=$iri]", iri=f"{IRI}/modules/{path}", namespaces=TC)[0]

    single = activity("basics/questions/who-holds")
    assert single.get("type") == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert single.xpath("t:interactionType/text()", namespaces=TC) == ["choice"]
    assert single.xpath("t:correctResponsePatterns/t:correctResponsePattern/text()", namespaces=TC) == ["b"]
    assert single.xpath("t:choices/t:component/t:id/text()", namespaces=TC) == ["a", "b"]
    assert single.xpath("t:choices/t:component[t:id='b']/t:description[@lang='en']/text()",
                        namespaces=TC) == ["Everyone"]
    multiple = activity("basics/questions/which")
    assert multiple.xpath("t:correctResponsePatterns/t:correctResponsePattern/text()", namespaces=TC) == ["a[,]c"]
    true_false = activity("basics/questions/binding")
    assert true_false.xpath("t:interactionType/text()", namespaces=TC) == ["true-false"]
    assert true_false.xpath("t:correctResponsePatterns/t:correctResponsePattern/text()", namespaces=TC) == ["true"]
    assert not true_false.xpath("t:choices", namespaces=TC)
    item = activity("pre-survey/items/consent")
    assert item.xpath("t:interactionType/text()", namespaces=TC) == ["likert"]
    assert item.xpath("t:scale/t:component/t:id/text()", namespaces=TC) == ["1", "2", "3", "4", "5"]
    assert not item.xpath("t:correctResponsePatterns", namespaces=TC)
    pages = root.xpath("//t:activity[@type='http://activitystrea.ms/schema/1.0/page']/@id", namespaces=TC)
    assert f"{IRI}/modules/basics/pages/rights" in pages


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_cmi5_packages_validate(dist: Path, lang: str) -> None:
    """cmi5.xml of every cmi5 package validates against CourseStructure.xsd (cmi5 §14)."""
    if not XSD.is_file():
        pytest.skip(f"{XSD} is absent: the cmi5 schema is not part of the repository")
    schema = etree.XMLSchema(etree.parse(str(XSD), etree.XMLParser(no_network=True)))
    found = sorted(str(p.relative_to(dist)) for p in dist.glob(f"{lang}/**/*cmi5.zip"))
    assert found == [f"{lang}/mini-{lang}-cmi5.zip", f"{lang}/modules/basics-cmi5.zip",
                     f"{lang}/modules/pre-survey-cmi5.zip"]
    for name in found:
        assert _names(dist / name).count("cmi5.xml") == 1
        document = _xml(dist / name, "cmi5.xml")
        assert schema.validate(document), schema.error_log


def test_cmi5_one_au_per_module(dist: Path) -> None:
    """One AU per module, its id the module's IRI; moveOn and masteryScore (0-1) from the module (cmi5 §13.1.4)."""
    package = dist / "en/mini-en-cmi5.zip"
    root = _xml(package, "cmi5.xml")
    assert root.xpath("c:course/@id", namespaces=C5) == [IRI]
    aus = root.xpath("c:au", namespaces=C5)
    assert [a.get("id") for a in aus] == [module_iri(IRI, "pre-survey"), module_iri(IRI, "basics")]
    survey, lesson = aus
    assert (survey.get("moveOn"), survey.get("masteryScore")) == ("Completed", None)
    assert (lesson.get("moveOn"), lesson.get("masteryScore")) == ("CompletedAndPassed", "0.8")
    urls = [a.xpath("c:url/text()", namespaces=C5)[0] for a in aus]
    assert urls == ["au-pre-survey.html", "au-basics.html"]
    entries = _names(package)
    for url in urls:
        assert url in entries
        page = _read(package, url).decode()
        scope = url.removeprefix("au-").removesuffix(".html")
        assert f'"runtime":"cmi5","scope":"{scope}"' in page
    assert lesson.xpath("c:title/c:langstring/@lang", namespaces=C5) == ["en", "ar"]
    assert lesson.xpath("c:objectives/c:objective/@idref", namespaces=C5) == [
        f"{IRI}/modules/basics/objectives/explain"]


def test_cmi5_module_package(dist: Path) -> None:
    """A module's cmi5 package is a course of one AU launched by index.html, with its own course id."""
    root = _xml(dist / "ar/modules/basics-cmi5.zip", "cmi5.xml")
    assert root.xpath("c:course/@id", namespaces=C5) == [f"{IRI}/modules/basics/cmi5-course"]
    assert root.xpath("c:au/@id", namespaces=C5) == [module_iri(IRI, "basics")]
    assert root.xpath("c:au/c:url/text()", namespaces=C5) == ["index.html"]
    assert root.xpath("c:course/c:title/c:langstring/@lang", namespaces=C5) == ["ar", "en"]


def test_launched_packages_carry_no_forward_key(dist: Path) -> None:
    """xAPI and cmi5 packages talk to the LRS they are launched against: the SCORM forward key stays out."""
    for package in dist.glob("*/**/*.zip"):
        with zipfile.ZipFile(package) as archive:
            for name in archive.namelist():
                assert b"fwd-secret" not in archive.read(name), f"{package.name}:{name}"


def test_forwarding_scorm_packages_carry_the_client(forwarding: Path, dist: Path) -> None:
    """SCORM packages built with a forward key hold the xAPI client, the forwarder and the diagnostics page, and
    load them after the core; packages without forwarding hold none of them."""
    for package in forwarding.glob("en/**/*.zip"):
        entries = _names(package)
        for name in ("player/xapi-client.js", "player/xapi-forward.js", "player/diagnostics.html"):
            assert name in entries, f"{package.name} lacks {name}"
        assert "player/xapi-launch.js" not in entries
        index = _read(package, "index.html" if "index.html" in entries else entries[0]).decode()
        if "index.html" in entries:
            assert index.index("player/player.js") < index.index("player/xapi-client.js") < index.index(
                "player/xapi-forward.js")
            assert '"forward":{"endpoint":"https://lrs.example.org/xapi/"' in index
    plain = dist / "plain"
    build(MINIMAL, plain, formats=["scorm12"], langs=["en"])
    for package in plain.glob("en/**/*.zip"):
        assert not [n for n in _names(package) if "xapi" in n or "diagnostics" in n]


def test_script_and_style_budget(dist: Path, forwarding: Path) -> None:
    """Every .js and .css of a package (the player and its adapters, course data aside) stays within 60 KiB."""
    for package in [*dist.glob("*/**/*.zip"), *forwarding.glob("*/**/*.zip")]:
        with zipfile.ZipFile(package) as archive:
            size = sum(i.file_size for i in archive.infolist()
                       if i.filename.startswith("player/") and i.filename.endswith((".js", ".css")))
        assert size <= BUDGET, f"{package.name}: {size} bytes of scripts and styles > {BUDGET}"
