"""``If-Match`` and ``If-None-Match`` (RFC 7232 §3.1–3.2) for the document resources.

Communication §3.1: an LRS handles both headers on PUT (MUST) and on POST and DELETE
(SHOULD*), answering ``412 Precondition Failed`` without touching the document when the
condition fails. Judged against the document's current version under the write lock
(``lrs.storage.documents.change_document``):

- ``If-Match: "e1", "e2"`` holds when the document exists and its ETag is one of them
  (strong comparison: a weak ``W/"…"`` tag never matches); ``If-Match: *`` when it exists;
- ``If-None-Match: *`` holds when the document does not exist; ``If-None-Match: "e1"``
  when its ETag is not listed (weak comparison). On GET a listed ETag answers 304.

Entity tags should be quoted (RFC 7232 §2.3); an unquoted tag without spaces or commas is
read as the same tag quoted, since some xAPI clients send the bare SHA-1 they computed.
"""

from __future__ import annotations

import dataclasses
import re
import typing as t

from lrs.errors import BadRequest, PreconditionFailed

if t.TYPE_CHECKING:
    from werkzeug.datastructures import Headers

    from lrs.storage.documents import StoredDocument

_TAG = re.compile(r'\s*(?:(W/)?"([\x21\x23-\x7e\x80-\xff]*)"|([^\s",]+))\s*(?:,|\Z)')


@dataclasses.dataclass(frozen=True)
class TagList:
    """The value of one precondition header: ``*`` or a list of entity tags."""

    raw: str
    star: bool
    tags: tuple[tuple[bool, str], ...]  # (weak, opaque value)

    def matches(self, etag: str, *, weak: bool) -> bool:
        """Return whether ``etag`` (unquoted) is listed, or the list is ``*``."""
        if self.star:
            return True
        return any(value == etag and (weak or not is_weak) for is_weak, value in self.tags)


def parse_tag_list(name: str, raw: str) -> TagList:
    """Parse an ``If-Match``/``If-None-Match`` value.

    Raises:
        BadRequest: the value is empty or not a list of entity tags.
    """
    value = raw.strip()
    if value == "*":
        return TagList(raw, True, ())
    tags: list[tuple[bool, str]] = []
    position = 0
    while position < len(value):
        match = _TAG.match(value, position)
        if match is None or match.end() == position:
            raise BadRequest(
                f'header {name}: {raw!r} is not "*" or a list of quoted entity tags '
                '(such as "0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33")'
            )
        weak, quoted, bare = match.groups()
        tags.append((weak is not None, quoted if quoted is not None else bare))
        position = match.end()
    if not tags:
        raise BadRequest(f'header {name}: empty; send "*" or an entity tag')
    return TagList(raw, False, tuple(tags))


@dataclasses.dataclass(frozen=True)
class Preconditions:
    """The precondition headers of one request (``None``: header absent)."""

    if_match: TagList | None
    if_none_match: TagList | None

    @property
    def given(self) -> bool:
        """Return whether the request has either header."""
        return self.if_match is not None or self.if_none_match is not None

    def check(self, current: StoredDocument | None, what: str) -> None:
        """Raise 412 unless the conditions hold for ``current`` (``None``: no document).

        Args:
            current: the document's current version.
            what: the document, named for the message.
        """
        if self.if_match is not None:
            if current is None:
                raise PreconditionFailed(
                    f"If-Match {self.if_match.raw}: {what} does not exist; "
                    "send If-None-Match: * (or no precondition) to create it"
                )
            if not self.if_match.matches(current.etag, weak=False):
                raise PreconditionFailed(
                    f'If-Match {self.if_match.raw}: {what} has changed; its ETag is now "{current.etag}". '
                    "GET it again, then retry with its current ETag"
                )
        if self.if_none_match is not None and current is not None:
            if self.if_none_match.matches(current.etag, weak=True):
                raise PreconditionFailed(
                    f'If-None-Match {self.if_none_match.raw}: {what} already exists (ETag "{current.etag}"); '
                    "send If-Match with that ETag to replace it"
                )


def parse_preconditions(headers: Headers) -> Preconditions:
    """Read ``If-Match`` and ``If-None-Match`` from request headers."""
    if_match = headers.get("If-Match")
    if_none_match = headers.get("If-None-Match")
    return Preconditions(
        None if if_match is None else parse_tag_list("If-Match", if_match),
        None if if_none_match is None else parse_tag_list("If-None-Match", if_none_match),
    )
