"""lxml helpers shared by every manifest: namespaces, element makers, stable serialisation, XSD checks.

The builders write XML only through these helpers, so every manifest is namespaced, ordered and serialised
the same way, and two builds of the same course give byte-identical files.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lxml import etree
from lxml.builder import ElementMaker

from ..errors import BuildError

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# SCORM 1.2 content packaging (IMS CP 1.1.2 + ADL SCORM 1.2 extensions + IMS MD 1.2.1 for metadata files).
NS12 = {
    None: "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "xsi": XSI,
}
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"

# SCORM 2004 4th edition (CAM 3.1): IMS CP 1.1.4, ADL CP/sequencing/navigation, IMS SS, IEEE LOM.
NS2004 = {
    None: "http://www.imsglobal.org/xsd/imscp_v1p1",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
    "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
    "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
    "imsss": "http://www.imsglobal.org/xsd/imsss",
    "xsi": XSI,
}
LOM = "http://ltsc.ieee.org/xsd/LOM"

# Namespace -> schema file name, for xsi:schemaLocation (files at the package root when --xsd-dir is used).
LOCATIONS12 = {
    NS12[None]: "imscp_rootv1p1p2.xsd",
    NS12["adlcp"]: "adlcp_rootv1p2.xsd",
}
LOCATIONS_MD12 = {IMSMD: "imsmd_rootv1p2p1.xsd"}
LOCATIONS2004 = {
    NS2004[None]: "imscp_v1p1.xsd",
    NS2004["adlcp"]: "adlcp_v1p3.xsd",
    NS2004["adlseq"]: "adlseq_v1p3.xsd",
    NS2004["adlnav"]: "adlnav_v1p3.xsd",
    NS2004["imsss"]: "imsss_v1p0.xsd",
    LOM: "lom.xsd",
}

# The standard schema files an LMS or test suite may want beside imsmanifest.xml (--xsd-dir). Folders are
# copied with every .xsd below them. The project's own validate.xsd wrappers are never copied.
SCHEMA_FILES = {
    "scorm12": ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd"),
    "scorm2004": ("imscp_v1p1.xsd", "adlcp_v1p3.xsd", "adlseq_v1p3.xsd", "adlnav_v1p3.xsd", "imsss_v1p0.xsd",
                  "imsss_v1p0auxresource.xsd", "imsss_v1p0control.xsd", "imsss_v1p0delivery.xsd",
                  "imsss_v1p0limit.xsd", "imsss_v1p0objective.xsd", "imsss_v1p0random.xsd",
                  "imsss_v1p0rollup.xsd", "imsss_v1p0seqrule.xsd", "imsss_v1p0util.xsd", "lom.xsd",
                  "lomStrict.xsd", "lomLoose.xsd", "lomCustom.xsd", "xml.xsd", "XMLSchema.dtd", "datatypes.dtd"),
}
SCHEMA_FOLDERS = {"scorm12": (), "scorm2004": ("common", "extend", "unique", "vocab")}
# Where a schema set usually sits below a folder holding several (as in the project's shared spec folder).
SCHEMA_SUBFOLDERS = {"scorm12": ("scorm12",), "scorm2004": ("scorm2004-4th", "scorm2004")}


def maker(nsmap: dict[str | None, str], namespace: str | None = None) -> ElementMaker:
    """An element maker for ``namespace`` (default: the map's default namespace) declaring ``nsmap``."""
    return ElementMaker(namespace=namespace or nsmap[None], nsmap=nsmap)


def qname(nsmap: dict[str | None, str], prefix: str, name: str) -> str:
    """The Clark name ``{uri}name`` of ``prefix:name`` in ``nsmap`` (for attributes)."""
    return f"{{{nsmap[prefix]}}}{name}"


def schema_location(locations: dict[str, str]) -> str:
    """The value of xsi:schemaLocation: namespace and file pairs."""
    return " ".join(f"{uri} {path}" for uri, path in locations.items())


def ncname(*parts: str) -> str:
    """An XML identifier (xsd:ID, an NCName) built from ``parts``; stable for the same parts."""
    text = re.sub(r"[^A-Za-z0-9._-]", "_", "-".join(p for p in parts if p))
    return text if re.match(r"[A-Za-z_]", text) else f"_{text}"


def bounded(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters (an ellipsis marks the cut), for length-limited fields."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def serialize(root: etree._Element) -> bytes:
    """UTF-8 XML with a declaration, indented; attribute and element order as built, so output is stable."""
    etree.indent(root, space="  ")
    # The declaration in its most common spelling: some LMS importers match it literally.
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)


@lru_cache(maxsize=8)
def _schema(path: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    try:
        return etree.XMLSchema(etree.parse(str(path), parser))
    except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as err:
        raise BuildError(f"{path}: cannot load schema: {err}") from err


def validate(document: bytes, schema_path: Path) -> list[str]:
    """Check ``document`` against the schema at ``schema_path``; return the errors as 'line N: message'."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    try:
        tree = etree.fromstring(document, parser).getroottree()
    except etree.XMLSyntaxError as err:
        return [f"line {err.lineno}: {err.msg}"]
    schema = _schema(schema_path.resolve())
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def schema_files(xsd_dir: str, version: str) -> dict[str, Path]:
    """The standard schema files of ``version`` ("scorm12" or "scorm2004") found in ``xsd_dir``.

    ``xsd_dir`` may hold the files itself or in a ``scorm12/`` / ``scorm2004-4th/`` subfolder. Raises
    BuildError naming the missing files when the set is incomplete.
    """
    base = Path(xsd_dir)
    candidates = [base / sub for sub in SCHEMA_SUBFOLDERS[version]] + [base]
    folder = next((c for c in candidates if (c / SCHEMA_FILES[version][0]).is_file()), base)
    missing = [name for name in SCHEMA_FILES[version] if not (folder / name).is_file()]
    missing += [f"{name}/" for name in SCHEMA_FOLDERS[version] if not (folder / name).is_dir()]
    if missing:
        raise BuildError(f"--xsd-dir {xsd_dir}: the {version} schema set is incomplete in {folder} "
                         f"(missing: {', '.join(missing)})")
    files = {name: folder / name for name in SCHEMA_FILES[version]}
    for sub in SCHEMA_FOLDERS[version]:
        for path in sorted((folder / sub).rglob("*.xsd")):
            files[path.relative_to(folder).as_posix()] = path
    return files
