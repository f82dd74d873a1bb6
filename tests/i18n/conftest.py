"""Fixtures for the translation workflow: throwaway copies of the small test course and of the real course."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from qrscorm.i18n.units import course_units, load_source
from qrscorm.i18n.xliff import NS, write_xliff

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "tests" / "qrscorm" / "roots" / "course-minimal"
REAL = REPO / "course_src"


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], Path]:
    """Copy a course folder to tmp_path/course_src and work from tmp_path (messages then read course_src/…)."""
    monkeypatch.chdir(tmp_path)

    def make(source: Path = MINIMAL) -> Path:
        root = tmp_path / "course_src"
        shutil.copytree(source, root)
        return root

    return make


def tree_digest(root: Path) -> str:
    """One digest over every path and byte below ``root``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def export(root: Path, lang: str) -> Path:
    """Export ``lang`` next to the course and return the file."""
    out = root.parent / f"{lang}.xlf"
    out.write_bytes(write_xliff(course_units(load_source(root), lang)))
    return out


def unit_element(tree: etree._ElementTree, unit_id: str) -> etree._Element:
    """The <unit> with ``unit_id``."""
    found = tree.getroot().find(f".//{{{NS}}}unit[@id='{unit_id}']")
    assert found is not None, unit_id
    return found


def set_target(path: Path, unit_id: str, inner_xml: str, state: str = "translated") -> None:
    """Give a unit a new <target> (inner XML may hold <pc>/<ph> copied from the source) and a state."""
    tree = etree.parse(str(path))
    unit = unit_element(tree, unit_id)
    segment = unit.find(f"{{{NS}}}segment")
    old = segment.find(f"{{{NS}}}target")
    if old is not None:
        segment.remove(old)
    target = etree.fromstring(f'<target xmlns="{NS}">{inner_xml}</target>')
    segment.append(target)
    segment.set("state", state)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def source_xml(path: Path, unit_id: str) -> str:
    """The inner XML of a unit's <source> (to build a target from)."""
    source = unit_element(etree.parse(str(path)), unit_id).find(f"{{{NS}}}segment/{{{NS}}}source")
    inner = (source.text or "") + "".join(etree.tostring(child, encoding="unicode") for child in source)
    return inner.replace(f' xmlns="{NS}"', "")


def fill_all(path: Path, lang: str, mark: str, *, every: int = 1) -> None:
    """Translate every ``every``-th unit by prefixing its source words with ``mark`` (state translated)."""
    tree = etree.parse(str(path))
    tree.getroot().set("trgLang", lang)
    for index, segment in enumerate(tree.getroot().iter(f"{{{NS}}}segment")):
        old = segment.find(f"{{{NS}}}target")
        if old is not None:
            segment.remove(old)
        if index % every:
            segment.set("state", "initial")
            continue
        source = segment.find(f"{{{NS}}}source")
        target = etree.fromstring(etree.tostring(source))
        target.tag = f"{{{NS}}}target"
        target.text = mark + (target.text or "")
        segment.append(target)
        segment.set("state", "translated")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
