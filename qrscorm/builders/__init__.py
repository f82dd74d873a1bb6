"""One builder per output format; a new format is one module plus one line here."""

from __future__ import annotations

from importlib import import_module

from ..errors import BuildError
from .base import Builder, BuildOptions, PackagePlan

# Format name -> "module:Class". Imported lazily so a format's dependencies load only when it is built.
BUILDERS: dict[str, str] = {
    "web": "qrscorm.builders.web:WebBuilder",
    "scorm12": "qrscorm.builders.scorm12:Scorm12Builder",
    "scorm2004": "qrscorm.builders.scorm2004:Scorm2004Builder",
    "xapi": "qrscorm.builders.xapi:XapiBuilder",
    "cmi5": "qrscorm.builders.cmi5:Cmi5Builder",
}

__all__ = ["BUILDERS", "BuildOptions", "Builder", "PackagePlan", "get_builder"]


def get_builder(name: str) -> Builder:
    """Return the builder for format ``name``; raise BuildError for an unknown format."""
    if name not in BUILDERS:
        raise BuildError(f"unknown format '{name}' (known: {', '.join(BUILDERS)})")
    module_name, _, class_name = BUILDERS[name].partition(":")
    builder_class: type[Builder] = getattr(import_module(module_name), class_name)
    return builder_class()
