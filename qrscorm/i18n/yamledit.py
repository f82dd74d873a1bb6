"""Change values in a YAML text file without reformatting it: every other byte of the file stays as it was.

PyYAML knows where each node starts and ends in the text, so a changed value replaces exactly its own span and a
new key is inserted as new lines beside its siblings. New values are written in the course's own style: plain
when the line stays short, ``>-`` folded and wrapped when it is long, double-quoted when plain would change the
meaning (``True``, ``{placeholder} …``, ``Note: …``). Every edit is checked by parsing the result again.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

Path_ = tuple[str, ...]
WIDTH = 115


class YamlEditError(ValueError):
    """The file does not have the shape an edit needs (for example a list where a mapping is expected)."""


def update_yaml(text: str, values: dict[Path_, str], order: list[Path_]) -> str:
    """Set each path of ``values`` to its text; insert missing keys after their siblings in ``order``."""
    for path in order:
        if path in values:
            text = _set(text, path, values[path], order)
    _check(text, values)
    return text


def yaml_from_template(template: str, values: dict[Path_, str], order: list[Path_]) -> str:
    """A new file shaped like ``template`` (the source language's file): same keys, order and layout.

    Comment lines are left out (they describe the source file), and keys without a value are removed.
    """
    lines = [line for line in template.split("\n") if not line.lstrip().startswith("#")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).lstrip("\n")
    for path in reversed(order):
        if path not in values:
            text = _remove(text, path)
    text = _prune_empty(text)
    for path in order:
        if path in values:
            text = _set(text, path, values[path], order)
    _check(text, values)
    return text


def emit_scalar(value: str, column: int, indent: int, width: int = WIDTH) -> str:
    """Write ``value`` as a YAML scalar that starts at ``column``, for a key indented by ``indent``."""
    if column + len(value) <= width and _reads_back(value, value):
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    if column + len(quoted) <= width or "\n" in value or value != value.strip() or "  " in value:
        return quoted
    lines: list[str] = []
    for word in value.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) + indent + 2 <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    pad = " " * (indent + 2)
    folded = ">-\n" + "\n".join(pad + line for line in lines)
    return folded if _reads_back(folded, value, indent) else quoted


def _reads_back(scalar: str, value: str, indent: int = 0) -> bool:
    try:
        doc = yaml.safe_load(" " * indent + "k: " + scalar + "\n")
    except yaml.YAMLError:
        return False
    return isinstance(doc, dict) and doc.get("k") == value


def _compose(text: str) -> yaml.Node:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    return node if node is not None else yaml.MappingNode("tag:yaml.org,2002:map", [])


def _find(node: yaml.Node, path: Path_) -> tuple[yaml.Node, yaml.Node] | None:
    pair = None
    for step in path:
        if not isinstance(node, yaml.MappingNode):
            return None
        pair = next(((k, v) for k, v in node.value if str(k.value) == step), None)
        if pair is None:
            return None
        node = pair[1]
    return pair


def _set(text: str, path: Path_, value: str, order: list[Path_]) -> str:
    root = _compose(text)
    found = _find(root, path)
    if found is not None:
        key, node = found
        if not isinstance(node, yaml.ScalarNode):
            raise YamlEditError(f"'{'.'.join(path)}' holds a {node.id}, not text")
        if node.value == value:
            return text
        start, end = node.start_mark.index, node.end_mark.index
        if node.style in ("|", ">"):
            end = start + len(text[start:end].rstrip("\n"))
        elif node.style is None and node.value == "" and start == end:
            start = end = key.end_mark.index + 1  # "key:" with nothing after it
            value_text = " " + emit_scalar(value, key.start_mark.column + len(key.value) + 2, key.start_mark.column)
            return text[:start] + value_text + text[end:]
        new = emit_scalar(value, node.start_mark.column, key.start_mark.column)
        return text[:start] + new + text[end:]
    return _insert(text, root, path, value, order)


def _insert(text: str, root: yaml.Node, path: Path_, value: str, order: list[Path_]) -> str:
    """Add ``path`` (and any missing parents) as new lines after its nearest earlier sibling."""
    depth = 0
    parent = root
    while depth < len(path) - 1:
        found = _find(root, path[:depth + 1])
        if found is None:
            break
        parent = found[1]
        depth += 1
    if not isinstance(parent, yaml.MappingNode):
        raise YamlEditError(f"'{'.'.join(path[:depth])}' must be a mapping")
    indent = parent.value[0][0].start_mark.column if parent.value else (
        0 if depth == 0 else _find(root, path[:depth])[0].start_mark.column + 2)  # type: ignore[index]
    lines = []
    for level, step in enumerate(path[depth:-1]):
        lines.append(" " * (indent + 2 * level) + f"{step}:")
    key_indent = indent + 2 * (len(path) - depth - 1)
    lines.append(" " * key_indent + f"{path[-1]}: " + emit_scalar(value, key_indent + len(path[-1]) + 2, key_indent))
    block = "\n".join(lines) + "\n"
    siblings = [k for k, _ in parent.value]
    position = order.index(path)
    earlier = {p[depth] for p in order[:position] if p[:depth] == path[:depth]}
    before = [k for k in siblings if str(k.value) in earlier]
    all_lines = text.split("\n")
    if before:
        anchor = before[-1]
        node = next(v for k, v in parent.value if k is anchor)
        line = node.end_mark.line if node.end_mark.column == 0 else node.end_mark.line + 1
    elif siblings:
        line = siblings[0].start_mark.line
    else:
        line = len(all_lines) - (1 if text.endswith("\n") else 0)
    head = "\n".join(all_lines[:line])
    tail = "\n".join(all_lines[line:])
    return (head + "\n" if head else "") + block + tail


def _remove(text: str, path: Path_) -> str:
    found = _find(_compose(text), path)
    if found is None:
        return text
    key, node = found
    lines = text.split("\n")
    first = key.start_mark.line
    last = node.end_mark.line if node.end_mark.column == 0 else node.end_mark.line + 1
    return "\n".join(lines[:first] + lines[last:])


def _prune_empty(text: str) -> str:
    """Remove mapping keys whose children were all removed (``questions:`` with nothing under it)."""
    while True:
        root = _compose(text)
        empty = _first_empty(root, ())
        if empty is None:
            return text
        text = _remove(text, empty)


def _first_empty(node: yaml.Node, path: Path_) -> Path_ | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        here = (*path, str(key.value))
        if isinstance(value, yaml.ScalarNode) and value.value == "" and value.tag.endswith(":null"):
            return here
        deeper = _first_empty(value, here)
        if deeper is not None:
            return deeper
    return None


def _check(text: str, values: dict[Path_, str]) -> None:
    doc: Any = yaml.safe_load(text)
    for path, value in values.items():
        node = doc
        for step in path:
            node = node.get(step) if isinstance(node, dict) else None
            if node is None:
                node = _lookup_loose(doc, path)
                break
        if node != value:
            raise YamlEditError(f"writing '{'.'.join(path)}' did not give back the same text")


def _lookup_loose(doc: Any, path: Path_) -> Any:
    """Find a value whose keys YAML read as numbers or booleans (choice id ``1``)."""
    node = doc
    for step in path:
        if not isinstance(node, dict):
            return None
        node = next((v for k, v in node.items() if str(k) == step), None)
    return node
