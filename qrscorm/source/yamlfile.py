"""Read YAML while remembering the line of every key and list item, so problems can say where they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LocatedDict(dict):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class LocatedList(list):
    """A sequence from YAML that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class YamlProblem(Exception):
    """The file is not valid YAML, or repeats a key."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    """A safe loader whose mappings and sequences carry line numbers (1-based)."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    result = LocatedDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise YamlProblem(line, "a key must be plain text")
        if key in result.key_lines:
            raise YamlProblem(line, f"duplicate key '{key}' (first at line {result.key_lines[key]})")
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same loader on libyaml's parser (several times faster), when PyYAML was built with it."""


for _loader in (_Loader, _FastLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str) -> Any:
    """Parse YAML text into located dicts and lists; raise YamlProblem with a line on failure."""
    try:
        return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - derives from (C)SafeLoader
    except yaml.YAMLError:
        pass  # parse again with the pure-Python parser, whose messages the checks report
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        what = err.problem or str(err)
        raise YamlProblem(line, f"invalid YAML: {what}") from err
    except yaml.YAMLError as err:
        raise YamlProblem(1, f"invalid YAML: {err}") from err


def read_yaml(path: Path) -> Any:
    """Read and parse one YAML file (UTF-8)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise YamlProblem(1, "the file is not UTF-8 text") from err
    return parse_yaml(text)


def line_of(node: Any, path: tuple[Any, ...]) -> int:
    """Return the line of the item at ``path`` inside ``node``, or of the deepest ancestor that has one."""
    line = getattr(node, "line", 0) or 1
    for step in path:
        if isinstance(node, LocatedDict) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LocatedList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line
