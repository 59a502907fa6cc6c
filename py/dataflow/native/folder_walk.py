"""The files below a folder, following symbolic links to folders and files as `find -L` does, and
guarding against their loops: a link back to a folder that holds it is not followed (each is
reported once), a link that leads to itself is skipped and reported, and a folder or file reached
again by another path (a second link to it) is taken once. A folder that cannot be read (permission
denied, an I/O error) is skipped and reported. Native ring; only stat and directory reads.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Identity = tuple[int, int]  # (st_dev, st_ino): the same folder whatever path or link reaches it


def unreadable_line(path: str | os.PathLike[str], error: OSError) -> str:
    """The line for a person on a file or folder skipped because reading it failed with `error`:
    "/in/a.pdf: cannot be read (Permission denied); skipped." """
    return f"{path}: cannot be read ({error.strerror or error}); skipped."


@dataclass
class Scan:
    """What one discovery has walked, shared by the folders it is given: folders by identity, files by
    their real path, a line for each symbolic link loop it skipped and one for each file or folder
    it could not read (in the order found)."""

    folders: set[Identity] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    loops: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    def cannot_read(self, path: str | os.PathLike[str], error: OSError) -> None:
        """Note that `path` was skipped because reading it failed with `error`."""
        self.unreadable.append(unreadable_line(path, error))

    def take_file(self, real: str) -> bool:
        """True the first time a file of real path `real` (no link in it) is offered, False after."""
        if real in self.files:
            return False
        self.files.add(real)
        return True


@dataclass(frozen=True)
class _Folder:
    """A folder to walk: the path it was found by, its real path, and the identities of the folders
    on the way to it, its own last (a link to one of them is a loop)."""

    path: Path
    real: str
    ancestors: tuple[Identity, ...]


def files_below(folder: Path, scan: Scan, *, want: Callable[[Path], bool] = lambda path: True,
                skip: Callable[[Path], bool] = lambda path: False) -> list[Path]:
    """The files below `folder` for which `want(path)` is true that `scan` has not taken yet (it takes
    them), as the paths they were found by, in sorted order; hidden entries (a name starting with ".")
    and folders for which `skip(path)` is true are left out. Folders and files reached through links
    are taken after every one reached without, so a file is found by its own path rather than a
    link's when it has both."""
    root = _identity(folder, scan)
    if root is None or root in scan.folders:
        return []
    scan.folders.add(root)
    found: list[Path] = []
    direct: list[_Folder] = [_Folder(folder, os.path.realpath(folder), (root,))]
    linked: list[_Folder] = []
    linked_files: list[Path] = []
    while direct or linked:
        if direct:
            current = direct.pop()
        else:  # a linked folder is claimed when its turn comes: one found directly since then is walked there
            current = linked.pop(0)
            if current.ancestors[-1] in scan.folders:
                continue
            scan.folders.add(current.ancestors[-1])
        for entry in _entries(current.path, scan):
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            if _is_dir(entry):
                _add_folder(entry, current, scan, direct, linked, skip)
            elif _is_file(entry) and want(path):
                if entry.is_symlink():
                    linked_files.append(path)
                elif scan.take_file(os.path.join(current.real, entry.name)):
                    found.append(path)
            elif entry.is_symlink() and _loops(path):
                scan.loops.append(f"{path}: a symbolic link that leads back to itself (a loop); skipped.")
    found += [path for path in linked_files if scan.take_file(os.path.realpath(path))]
    return sorted(found)


def _add_folder(entry: os.DirEntry[str], parent: _Folder, scan: Scan, direct: list[_Folder], linked: list[_Folder],
                skip: Callable[[Path], bool]) -> None:
    """Queue the folder `entry` of `parent`: to walk now, to walk once every folder without a link is
    walked (a link), or not at all (walked already, skipped, or a loop, which `scan` notes)."""
    path = Path(entry.path)
    identity = _identity(path, scan)
    if identity is None or _skipped(path, skip, scan):
        return
    if identity in parent.ancestors:
        scan.loops.append(f"{path}: a symbolic link back to {os.path.realpath(path)}, a folder that holds it "
                          "(a loop); not followed.")
    elif entry.is_symlink():
        linked.append(_Folder(path, os.path.realpath(path), (*parent.ancestors, identity)))
    elif identity not in scan.folders:
        scan.folders.add(identity)
        direct.append(_Folder(path, os.path.join(parent.real, entry.name), (*parent.ancestors, identity)))


def _skipped(path: Path, skip: Callable[[Path], bool], scan: Scan) -> bool:
    """`skip(path)`; True (noted in `scan`) when asking fails: a folder that cannot be looked into."""
    try:
        return skip(path)
    except OSError as error:
        scan.cannot_read(path, error)
        return True


def _entries(directory: Path, scan: Scan) -> list[os.DirEntry[str]]:
    """The entries of `directory` by name; none if it cannot be read (noted in `scan`)."""
    try:
        with os.scandir(directory) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError as error:
        scan.cannot_read(directory, error)
        return []


def _identity(path: Path, scan: Scan) -> Identity | None:
    """The folder's identity; None (noted in `scan`) if it cannot be had."""
    try:
        stat = path.stat()
    except OSError as error:
        scan.cannot_read(path, error)
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
