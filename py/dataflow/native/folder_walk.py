"""The files below a folder, following symbolic links to folders and files as `find -L` does, and
guarding against their loops: a link back to a folder that holds it is not followed (each is
reported once), a link that leads to itself is skipped and reported, and a folder or file reached
again by another path (a second link to it) is taken once. Native ring; only stat and directory reads.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Identity = tuple[int, int]  # (st_dev, st_ino): the same folder whatever path or link reaches it


@dataclass
class Scan:
    """What one discovery has walked, shared by the folders it is given: folders by identity, files by
    their real path, and a line for each symbolic link loop it skipped (in the order found)."""

    folders: set[Identity] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    loops: list[str] = field(default_factory=list)

    def take_file(self, path: Path) -> bool:
        """True the first time the file `path` leads to is offered (its real path), False after."""
        real = os.path.realpath(path)
        if real in self.files:
            return False
        self.files.add(real)
        return True


def files_below(folder: Path, scan: Scan, *, want: Callable[[Path], bool] = lambda path: True,
                skip: Callable[[Path], bool] = lambda path: False) -> list[Path]:
    """The files below `folder` for which `want(path)` is true that `scan` has not taken yet (it takes
    them), as the paths they were found by, in sorted order; hidden entries (a name starting with ".")
    and folders for which `skip(path)` is true are left out. Folders and files reached through links
    are taken after every one reached without, so a file is found by its own path rather than a
    link's when it has both."""
    root = _identity(folder)
    if root is None or root in scan.folders:
        return []
    scan.folders.add(root)
    found: list[Path] = []
    direct: list[tuple[Path, tuple[Identity, ...]]] = [(folder, (root,))]
    linked: list[tuple[Path, tuple[Identity, ...]]] = []
    linked_files: list[Path] = []
    while direct or linked:
        if direct:
            directory, ancestors = direct.pop()
        else:  # a linked folder is claimed when its turn comes: one found directly since then is walked there
            directory, ancestors = linked.pop(0)
            if ancestors[-1] in scan.folders:
                continue
            scan.folders.add(ancestors[-1])
        for entry in _entries(directory):
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            if _is_dir(entry):
                identity = _identity(path)
                if identity is None or skip(path):
                    continue
                if identity in ancestors:
                    scan.loops.append(f"{path}: a symbolic link back to {os.path.realpath(path)}, a folder that "
                                      "holds it (a loop); not followed.")
                elif entry.is_symlink():
                    linked.append((path, (*ancestors, identity)))
                elif identity not in scan.folders:
                    scan.folders.add(identity)
                    direct.append((path, (*ancestors, identity)))
            elif _is_file(entry) and want(path):
                if entry.is_symlink():
                    linked_files.append(path)
                elif scan.take_file(path):
                    found.append(path)
            elif entry.is_symlink() and _loops(path):
                scan.loops.append(f"{path}: a symbolic link that leads back to itself (a loop); skipped.")
    found += [path for path in linked_files if scan.take_file(path)]
    return sorted(found)


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    """The entries of `directory` by name; none if it cannot be read (as os.walk, which skips it)."""
    try:
        with os.scandir(directory) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError:
        return []


def _identity(path: Path) -> Identity | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _loops(path: Path) -> bool:
    """True for a link whose chain of links never ends (stat fails with ELOOP)."""
    try:
        path.stat()
    except OSError as error:
        return error.errno == errno.ELOOP
    return False
