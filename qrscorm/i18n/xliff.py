"""XLIFF 2.0 files (OASIS XLIFF Version 2.0, 2014): write the units of a language, read a translated file back.

Layout: one ``<file>`` per source document (``original`` names the source file), one ``<unit>`` per translatable
text with one ``<segment>``. Markdown emphasis, links and images are paired codes (``<pc>``, XLIFF 2.0 section
4.2.2.2) around the words to translate; code spans, escapes, line breaks and ``{placeholders}`` are standalone
codes (``<ph>``, 4.2.2.1). The original text of every code is kept in the unit's ``<originalData>`` (4.2.1.3), so a
translation tool shows the code but a translator cannot change what it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..source.languages import language
from .inline import Node, Pc, Ph, codes, parse_caption, parse_markdown, parse_placeholders, parse_plain
from .units import CAPTION, MARKDOWN, UI, CourseUnits, Unit

NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_STATES = ("initial", "translated", "reviewed", "final")


class XliffError(ValueError):
    """The file is not an XLIFF 2.0 file this course can read; the message says where."""


def parse_unit_text(kind: str, text: str) -> list[Node]:
    """Split a unit's text into words and codes, the way the unit's kind needs."""
    if kind == MARKDOWN:
        return parse_markdown(text)
    if kind == UI:
        return parse_placeholders(text)
    if kind == CAPTION:
        return parse_caption(text)
    return parse_plain(text)


def write_xliff(work: CourseUnits) -> bytes:
    """The XLIFF 2.0 document for ``work.lang`` (UTF-8 bytes)."""
    course = work.course
    target_lang = language(work.lang)
    root = etree.Element(f"{{{NS}}}xliff", nsmap={None: NS}, version="2.0", srcLang=course.source_language,
                         trgLang=work.lang)
    for document in work.documents:
        if not document.units:
            continue
        file = etree.SubElement(root, f"{{{NS}}}file", id=document.id,
                                original=document.source_path.relative_to(course.root).as_posix())
        file.set("srcDir", language(course.source_language).direction)
        file.set("trgDir", target_lang.direction)
        notes = etree.SubElement(file, f"{{{NS}}}notes")
        _note(notes, "location", f"The {document.label}. Translations are saved to "
                                 f"{document.target_path.relative_to(course.root).as_posix()}.")
        for unit in document.units:
            _write_unit(file, unit)
    _indent(root, 0)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _indent(element: etree._Element, level: int) -> None:
    """Indent the structure for people reading the file; inline content (source, target, notes) is left as it is."""
    children = list(element)
    if not children or etree.QName(element).localname in ("source", "target", "note", "data"):
        return
    element.text = "\n" + "  " * (level + 1)
    for child in children:
        _indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    children[-1].tail = "\n" + "  " * level


def _note(parent: etree._Element, category: str, text: str) -> None:
    note = etree.SubElement(parent, f"{{{NS}}}note", category=category)
    note.text = text


def _write_unit(file: etree._Element, unit: Unit) -> None:
    element = etree.SubElement(file, f"{{{NS}}}unit", id=unit.id)
    if isinstance(unit.key, tuple):
        element.set("name", "/".join(unit.key))
    notes = etree.SubElement(element, f"{{{NS}}}notes")
    for category, text in unit.notes:
        _note(notes, category, text)
    if unit.stale:
        _note(notes, "review", f"The existing translation needs review: {unit.stale}.")
    data = _Data()
    source_nodes = parse_unit_text(unit.kind, unit.source)
    source_ids = data.number(source_nodes)
    original = etree.SubElement(element, f"{{{NS}}}originalData")
    segment = etree.SubElement(element, f"{{{NS}}}segment")
    segment.set("state", "translated" if unit.translated else "initial")
    source = etree.SubElement(segment, f"{{{NS}}}source")
    _fill(source, source_nodes, source_ids, data)
    if unit.target is not None:
        target_nodes = parse_unit_text(unit.kind, unit.target)
        target = etree.SubElement(segment, f"{{{NS}}}target")
        _fill(target, target_nodes, data.match(target_nodes, source_nodes, source_ids), data)
    if data.items:
        for data_id, text in data.items:
            item = etree.SubElement(original, f"{{{NS}}}data", id=data_id)
            item.text = text
    else:
        element.remove(original)


class _Data:
    """Numbers codes (``1``, ``2``…) and their original data (``d1``, ``d2``…) within one unit."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []
        self.by_text: dict[str, str] = {}
        self.next_code = 1

    def ref(self, text: str) -> str:
        if text not in self.by_text:
            self.by_text[text] = f"d{len(self.items) + 1}"
            self.items.append((self.by_text[text], text))
        return self.by_text[text]

    def number(self, nodes: list[Node]) -> dict[int, str]:
        """Give each code (by identity) an id."""
        ids = {}
        for code in codes(nodes):
            ids[id(code)] = str(self.next_code)
            self.next_code += 1
        return ids

    def match(self, nodes: list[Node], source: list[Node], source_ids: dict[int, str]) -> dict[int, str]:
        """Give a translation's codes the ids of the same codes in the source; new ids for any others."""
        free = [(c, source_ids[id(c)]) for c in codes(source)]
        ids = {}
        for code in codes(nodes):
            found = next((pair for pair in free if _same(pair[0], code)), None)
            if found is not None:
                free.remove(found)
                ids[id(code)] = found[1]
            else:
                ids[id(code)] = str(self.next_code)
                self.next_code += 1
        return ids


def _same(a: Ph | Pc, b: Ph | Pc) -> bool:
    if isinstance(a, Ph) and isinstance(b, Ph):
        return a.data == b.data
    return isinstance(a, Pc) and isinstance(b, Pc) and (a.start, a.end) == (b.start, b.end)


def _fill(element: etree._Element, nodes: list[Node] | tuple[Node, ...], ids: dict[int, str], data: _Data) -> None:
    last: etree._Element | None = None
    for node in nodes:
        if isinstance(node, str):
            if last is None:
                element.text = (element.text or "") + node
            else:
                last.tail = (last.tail or "") + node
            continue
        if isinstance(node, Ph):
            last = etree.SubElement(element, f"{{{NS}}}ph", id=ids[id(node)], dataRef=data.ref(node.data))
            last.set("disp", node.data)
        else:
            last = etree.SubElement(element, f"{{{NS}}}pc", id=ids[id(node)], dataRefStart=data.ref(node.start),
                                    dataRefEnd=data.ref(node.end))
            last.set("dispStart", node.start)
            last.set("dispEnd", node.end)
            _fill(last, node.children, ids, data)
        last.set("type", node.type)
        if node.sub_type:
            last.set("subType", node.sub_type)
        last.set("canCopy", "no")
        last.set("canDelete", "no" if node.required else "yes")


@dataclass
class TranslatedUnit:
    """One unit as read from a translated file."""

    id: str
    line: int
    source: str
    target: str | None
    state: str


@dataclass
class TranslatedFile:
    """A translated XLIFF file."""

    path: Path
    src_lang: str
    trg_lang: str
    units: list[TranslatedUnit] = field(default_factory=list)
    duplicates: list[TranslatedUnit] = field(default_factory=list)


def read_xliff(path: Path) -> TranslatedFile:
    """Read a translated XLIFF 2.0 file; raise XliffError (with file:line) when it cannot be read."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as err:
        raise XliffError(f"{path}:{err.lineno}: not well-formed XML: {err.msg}") from err
    except OSError as err:
        raise XliffError(f"{path}: cannot read the file ({err.strerror or err})") from err
    if root.tag != f"{{{NS}}}xliff":
        raise XliffError(f"{path}:{root.sourceline}: not an XLIFF 2.0 file (the root element must be <xliff> in "
                         f"the namespace {NS})")
    if not str(root.get("version", "")).startswith("2."):
        raise XliffError(f"{path}:{root.sourceline}: XLIFF version '{root.get('version')}' is not 2.x")
    src, trg = root.get("srcLang"), root.get("trgLang")
    if not src or not trg:
        raise XliffError(f"{path}:{root.sourceline}: the <xliff> element needs srcLang and trgLang")
    result = TranslatedFile(path, src, trg)
    seen: set[str] = set()
    for element in root.iter(f"{{{NS}}}unit"):
        unit = _read_unit(path, element)
        (result.duplicates if unit.id in seen else result.units).append(unit)
        seen.add(unit.id)
    return result


def _read_unit(path: Path, element: etree._Element) -> TranslatedUnit:
    unit_id = element.get("id", "")
    data = {d.get("id"): d.text or "" for d in element.iterfind(f"{{{NS}}}originalData/{{{NS}}}data")}
    sources, targets, states = [], [], []
    has_target = False
    for part in element:
        if part.tag not in (f"{{{NS}}}segment", f"{{{NS}}}ignorable"):
            continue
        source = part.find(f"{{{NS}}}source")
        target = part.find(f"{{{NS}}}target")
        source_text = _text(path, source, data) if source is not None else ""
        sources.append(source_text)
        if target is not None:
            targets.append(_text(path, target, data))
            has_target = has_target or part.tag == f"{{{NS}}}segment"
        else:
            targets.append(source_text if part.tag == f"{{{NS}}}ignorable" else "")
        if part.tag == f"{{{NS}}}segment":
            state = part.get("state", "initial")
            states.append(state if state in _STATES else "initial")
    state = min(states, key=_STATES.index) if states else "initial"
    return TranslatedUnit(unit_id, element.sourceline or 0, "".join(sources),
                          "".join(targets) if has_target else None, state)


def _text(path: Path, element: etree._Element, data: dict[str | None, str]) -> str:
    """The text an inline-content element stands for, with every code replaced by its original data."""
    out = [element.text or ""]
    for child in element:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if tag == "pc":
            out.append(_data(path, child, data, "dataRefStart") + _text(path, child, data)
                       + _data(path, child, data, "dataRefEnd"))
        elif tag in ("ph", "sc", "ec"):
            out.append(_data(path, child, data, "dataRef"))
        elif tag == "cp":
            out.append(chr(int(child.get("hex", "0"), 16)))
        elif tag == "mrk":
            out.append(_text(path, child, data))
        elif tag not in ("sm", "em") and isinstance(child.tag, str):
            raise XliffError(f"{path}:{child.sourceline}: <{etree.QName(child).localname}> is not an XLIFF 2.0 "
                             "inline element (write Markdown or HTML characters as text: &lt;b&gt;)")
        out.append(child.tail or "")
    return "".join(out)


def _data(path: Path, element: etree._Element, data: dict[str | None, str], attribute: str) -> str:
    ref = element.get(attribute)
    if ref is None and attribute == "dataRef" and etree.QName(element).localname == "ec":
        return ""
    if ref not in data:
        raise XliffError(f"{path}:{element.sourceline}: code '{element.get('id')}' refers to original data "
                         f"'{ref}', which the unit does not have")
    return data[ref]
