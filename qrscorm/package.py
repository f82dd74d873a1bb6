"""Write packages: deterministic zips (fixed order and timestamps) and folders, staged then moved into place.

Two builds of the same source give byte-identical zips. Nothing in dist/ changes until every package of a
build has been written: a failed build leaves the previous dist/ as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from .errors import PackageError

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold; no build date leaks in
MAX_ENTRY_BYTES = 512 * 1024 * 1024
MAX_PACKAGE_BYTES = 2 * 1024 * 1024 * 1024
_STORED_SUFFIXES = {".png", ".jpg", ".jpeg", ".webm", ".mp4", ".ogg", ".oga", ".opus", ".mp3", ".m4a", ".zip",
                    ".woff2", ".gif"}

Content = bytes | Path


def check_entry_name(name: str) -> str:
    """Return ``name`` if it is a safe relative path inside a package; raise PackageError otherwise."""
    path = PurePosixPath(name)
    if (not name or name.startswith("/") or "\\" in name or ":" in path.parts[0]
            or any(part in ("", ".", "..") for part in name.split("/"))):
        raise PackageError(f"unsafe path in package: '{name}'")
    return name


def content_bytes(content: Content) -> bytes:
    """Return the bytes of an entry given as bytes or as a source file."""
    return content.read_bytes() if isinstance(content, Path) else content


def fingerprint(files: Mapping[str, Content], extra: str = "") -> str:
    """A digest of a package's entries (names and bytes) and options; equal digests give equal packages."""
    digest = hashlib.sha256(extra.encode())
    for name in sorted(files):
        digest.update(name.encode() + b"\0")
        digest.update(_file_digest(files[name]) if isinstance(files[name], Path) else
                      hashlib.sha256(files[name]).digest())  # type: ignore[arg-type]
    return digest.hexdigest()


_DIGESTS: dict[tuple[Path, int, int], bytes] = {}


def _file_digest(path: Path) -> bytes:
    stat = path.stat()
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key not in _DIGESTS:
        _DIGESTS[key] = hashlib.sha256(path.read_bytes()).digest()
    return _DIGESTS[key]


def write_zip(target: Path, files: Mapping[str, Content]) -> int:
    """Write ``files`` to the zip ``target`` (sorted, fixed timestamps); return its size in bytes."""
    total = 0
    with zipfile.ZipFile(target, "w") as archive:
        for name in sorted(files):
            data = content_bytes(files[name])
            check_entry_name(name)
            if len(data) > MAX_ENTRY_BYTES:
                raise PackageError(f"'{name}' is {len(data)} bytes, over the {MAX_ENTRY_BYTES}-byte entry limit")
            total += len(data)
            if total > MAX_PACKAGE_BYTES:
                raise PackageError(f"package {target.name} would exceed {MAX_PACKAGE_BYTES} bytes")
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, so the permissions above mean the same everywhere
            stored = PurePosixPath(name).suffix.lower() in _STORED_SUFFIXES
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=None if stored else 9)
    return target.stat().st_size


def write_folder(target: Path, files: Mapping[str, Content]) -> int:
    """Write ``files`` into the new folder ``target``; return the total size in bytes."""
    total = 0
    for name in sorted(files):
        check_entry_name(name)
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content_bytes(files[name])
        path.write_bytes(data)
        total += len(data)
    return total


class Staging:
    """Collects a build's outputs in a temporary folder inside dist/, then moves them all into place."""

    def __init__(self, dist: Path):
        self.dist = dist
        dist.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=".staging-", dir=dist))
        self.moves: list[tuple[Path, Path]] = []

    def path_for(self, relative: str) -> Path:
        """A staging path for the output that will live at ``dist/relative``."""
        check_entry_name(relative.rstrip("/"))
        staged = self.folder / relative.rstrip("/")
        if any(staged == earlier for earlier, _ in self.moves):
            raise PackageError(f"'{relative}' is staged twice in one build")
        staged.parent.mkdir(parents=True, exist_ok=True)
        self.moves.append((staged, self.dist / relative.rstrip("/")))
        return staged

    def commit(self) -> None:
        """Move every staged output into dist/ (a rename each, on the same file system)."""
        for staged, final in self.moves:
            final.parent.mkdir(parents=True, exist_ok=True)
            if staged.is_dir():
                old = final.with_name(f".old-{final.name}")
                if final.exists():
                    os.replace(final, old)
                os.replace(staged, final)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(staged, final)
        self.discard()

    def discard(self) -> None:
        """Remove the staging folder and whatever is still in it."""
        shutil.rmtree(self.folder, ignore_errors=True)
