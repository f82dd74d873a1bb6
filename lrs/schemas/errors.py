"""The one error raised for invalid xAPI data: a JSONPath and the rule it breaks.

::

    ValueError
     └── StatementInvalid        path + rule; str() is "<path>: <rule>"

Statement validation, the ``agent`` query parameter, multipart/mixed bodies and
signed Statements all raise :class:`StatementInvalid`; the LRS turns it into a
``400 Bad Request`` whose message is ``str(error)``.
"""

from __future__ import annotations

import re

__all__ = ["StatementInvalid", "join_path"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class StatementInvalid(ValueError):
    """A value breaks a rule of the xAPI specification.

    :param path: where, as a JSONPath such as ``$.result.score.scaled`` or
        ``$[3].actor.mbox`` (or the name of a request part, e.g. ``agent``).
    :param rule: what is wrong, e.g. ``must be between -1 and 1``.
    """

    def __init__(self, path: str, rule: str) -> None:
        super().__init__(f"{path}: {rule}")
        self.path = path
        self.rule = rule

    def __reduce__(self) -> tuple[type[StatementInvalid], tuple[str, str]]:
        return (type(self), (self.path, self.rule))


def join_path(path: str, key: str | int) -> str:
    """Return ``path`` extended by one object key or array index, JSONPath style.

    Keys that are not plain identifiers (IRIs, language tags) use the bracket
    form: ``$.result.extensions['http://example.com/x']``.
    """
    if type(key) is int:
        return f"{path}[{key}]"
    if _IDENTIFIER.match(key):  # type: ignore[arg-type]
        return f"{path}.{key}"
    escaped = str(key).replace("\\", "\\\\").replace("'", "\\'")
    return f"{path}['{escaped}']"
