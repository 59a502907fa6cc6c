"""Folders walked as `find -L` walks them: symbolic links to folders and files followed, each folder
and file taken once, and link loops skipped with one note each (never a hang). Real links in tmp_path."""

import os
from pathlib import Path

import pytest

from dataflow.native.batch import discover, find_sources
from dataflow.native.folder_walk import Scan, files_below

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs POSIX symbolic links")


def tree(root: Path, files: dict[str, str], links: dict[str, str]) -> Path:
    """Files (path -> text) and links (path -> target, as `ln -s` takes it) below root."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for name, target in links.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / name)
    return root


def walked(folder: Path, scan: Scan | None = None) -> list[str]:
    return [path.relative_to(folder).as_posix() for path in files_below(folder, scan or Scan())]


def test_a_linked_folder_and_a_linked_file_are_scanned_by_the_links_path(tmp_path):
    tree(tmp_path, {"elsewhere/deep/a.pdf": "1", "other/b.json": "[]"},
         {"in/papers": "../elsewhere", "in/data.json": "../other/b.json"})
    assert walked(tmp_path / "in") == ["data.json", "papers/deep/a.pdf"]


def test_a_link_back_to_a_holding_folder_is_not_followed_and_noted_once(tmp_path):
    tree(tmp_path, {"in/a.pdf": "1", "in/sub/b.pdf": "2"}, {"in/sub/up": "..", "in/sub/self": "."})
    scan = Scan()
    assert walked(tmp_path / "in", scan) == ["a.pdf", "sub/b.pdf"]
    assert scan.loops == [
        f"{tmp_path / 'in/sub/self'}: a symbolic link back to {tmp_path / 'in/sub'}, a folder that holds it "
        "(a loop); not followed.",
        f"{tmp_path / 'in/sub/up'}: a symbolic link back to {tmp_path / 'in'}, a folder that holds it "
        "(a loop); not followed."]


def test_two_folders_linking_to_each_other_end_with_every_file_once(tmp_path):
    tree(tmp_path, {"in/x/a.pdf": "1", "in/y/b.pdf": "2"}, {"in/x/to-y": "../y", "in/y/to-x": "../x"})
    assert walked(tmp_path / "in") == ["x/a.pdf", "y/b.pdf"]


def test_a_link_that_leads_to_itself_is_skipped_and_noted(tmp_path):
    tree(tmp_path, {"in/a.pdf": "1"}, {"in/ping.pdf": "pong.pdf", "in/pong.pdf": "ping.pdf"})
    scan = Scan()
    assert walked(tmp_path / "in", scan) == ["a.pdf"]
    assert [line.split(": ", 1)[1] for line in scan.loops] == \
        ["a symbolic link that leads back to itself (a loop); skipped."] * 2


def test_a_file_with_its_own_path_and_a_links_is_found_by_its_own(tmp_path):
    tree(tmp_path, {"in/z/real.pdf": "1"}, {"in/a-alias.pdf": "z/real.pdf", "in/a-link": "z"})
    assert walked(tmp_path / "in") == ["z/real.pdf"]


def test_a_broken_link_and_a_hidden_link_are_left_out_without_a_note(tmp_path):
    tree(tmp_path, {"in/a.pdf": "1", "hidden/b.pdf": "2"}, {"in/gone.pdf": "nowhere.pdf", "in/.hid": "../hidden"})
    scan = Scan()
    assert walked(tmp_path / "in", scan) == ["a.pdf"] and scan.loops == []


def test_a_deep_chain_of_links_ends(tmp_path):
    files = {f"d{index}/f{index}.pdf": "1" for index in range(30)}
    links = {f"d{index}/next": f"../d{(index + 1) % 30}" for index in range(30)}  # a ring of 30 folders
    tree(tmp_path, files, links)
    scan = Scan()
    found = walked(tmp_path / "d0", scan)
    assert len(found) == 30 and found[0] == "f0.pdf"
    assert len(scan.loops) == 1 and scan.loops[0].endswith(f"back to {tmp_path / 'd0'}, a folder that holds it "
                                                            "(a loop); not followed.")


def test_discover_takes_each_file_once_across_folders_and_names_and_reports_loops(tmp_path):
    tree(tmp_path, {"in/a.pdf": "1", "shared/b.json": "[]"}, {"in/shared": "../shared", "in/loop": "."})
    found = find_sources([str(tmp_path / "in"), str(tmp_path / "shared"), str(tmp_path / "shared" / "b.json")])
    assert [source.path.relative_to(tmp_path).as_posix() for source in found.sources] == ["in/a.pdf",
                                                                                        "in/shared/b.json"]
    assert found.notes == [f"{tmp_path / 'in/loop'}: a symbolic link back to {tmp_path / 'in'}, a folder that "
                           "holds it (a loop); not followed."]


def test_a_file_of_another_name_named_with_kind_after_its_folder_is_still_taken(tmp_path):
    tree(tmp_path, {"in/a.json": "[]", "in/export.txt": "[]"}, {})
    found = discover([str(tmp_path / "in"), str(tmp_path / "in" / "export.txt")], kind="json")
    assert [source.path.name for source in found] == ["a.json", "export.txt"]


def test_run_plans_the_linked_files_and_says_once_which_loop_it_skipped(tmp_path, monkeypatch):
    from dataflow.native.cli import build_parser, plan_run

    tree(tmp_path, {"in/a.pdf": "%PDF-1.4", "papers/b.pdf": "%PDF-1.4"}, {"in/papers": "../papers",
                                                                       "papers/again": "../in"})
    monkeypatch.chdir(tmp_path)
    plan = plan_run(build_parser(with_temporal=False).parse_args(["run", "in", "--out", "out"]))
    assert [source.path.relative_to(tmp_path).as_posix() for source in plan.sources] == ["in/a.pdf",
                                                                                        "in/papers/b.pdf"]
    assert plan.notices == [f"{tmp_path / 'in/papers/again'}: a symbolic link back to {tmp_path / 'in'}, a folder "
                            "that holds it (a loop); not followed."]


def denied(path) -> PermissionError:
    return PermissionError(13, "Permission denied", str(path))


def test_a_folder_that_cannot_be_read_is_skipped_with_a_note_and_the_rest_is_walked(tmp_path, monkeypatch):
    # as `chmod 000 locked` does for a user without read override (root in CI has it: scandir fails here)
    tree(tmp_path, {"in/a.pdf": "%PDF-1.4", "in/locked/b.pdf": "%PDF-1.4"}, {})
    scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: (_ for _ in ()).throw(denied(path))
                        if Path(path).name == "locked" else scandir(path))
    scan = Scan()
    assert walked(tmp_path / "in", scan) == ["a.pdf"]
    assert scan.unreadable == [f"{tmp_path / 'in/locked'}: cannot be read (Permission denied); skipped."]


def test_a_skip_test_that_cannot_look_into_a_folder_skips_it_with_a_note(tmp_path):
    tree(tmp_path, {"in/a.pdf": "%PDF-1.4", "in/locked/b.pdf": "%PDF-1.4"}, {})

    def skip(path: Path) -> bool:
        if path.name == "locked":
            raise denied(path / ".dataflow")
        return False

    scan = Scan()
    assert [path.name for path in files_below(tmp_path / "in", scan, skip=skip)] == ["a.pdf"]
    assert scan.unreadable == [f"{tmp_path / 'in/locked'}: cannot be read (Permission denied); skipped."]


def test_discover_skips_a_locked_folder_whose_state_folder_cannot_be_looked_for(tmp_path, monkeypatch):
    # the newcomer's traceback: is_dir of locked/.dataflow raised PermissionError out of files_inside
    tree(tmp_path, {"in/a.pdf": "%PDF-1.4", "in/locked/b.pdf": "%PDF-1.4"}, {})
    is_dir = Path.is_dir
    monkeypatch.setattr(Path, "is_dir", lambda path: (_ for _ in ()).throw(denied(path))
                        if path.parent.name == "locked" else is_dir(path))
    found = find_sources([str(tmp_path / "in")])
    assert [source.path.name for source in found.sources] == ["a.pdf"]
    assert found.unreadable == 1
    assert found.notes == [f"{tmp_path / 'in/locked'}: cannot be read (Permission denied); skipped."]


def test_a_named_path_that_cannot_be_looked_at_is_a_note_not_a_traceback(tmp_path):
    tree(tmp_path, {"in/a.pdf": "%PDF-1.4"}, {})
    long = str(tmp_path / ("x" * 300))  # ENAMETOOLONG from stat
    found = find_sources([long, str(tmp_path / "in")])
    assert [source.path.name for source in found.sources] == ["a.pdf"]
    assert found.notes == [f"{long}: cannot be read (File name too long); skipped."] and found.unreadable == 1


def test_a_file_whose_stat_fails_in_a_folder_is_skipped_with_a_note(tmp_path, monkeypatch):
    tree(tmp_path, {"in/a.pdf": "%PDF-1.4", "in/b.pdf": "%PDF-1.4"}, {})
    stat = Path.stat
    monkeypatch.setattr(Path, "stat", lambda path, **kw: (_ for _ in ()).throw(OSError(5, "Input/output error"))
                        if path.name == "b.pdf" else stat(path, **kw))
    found = find_sources([str(tmp_path / "in")])
    assert [source.path.name for source in found.sources] == ["a.pdf"]
    assert found.notes == [f"{tmp_path / 'in/b.pdf'}: cannot be read (Input/output error); skipped."]


def test_a_named_link_loop_is_one_usage_error(tmp_path):
    from dataflow.native.batch import UsageError

    tree(tmp_path, {}, {"loop.pdf": "loop.pdf"})
    with pytest.raises(UsageError, match="loop.pdf: "):
        find_sources([str(tmp_path / "loop.pdf")])


def test_a_folder_of_nothing_but_link_loops_is_a_usage_error_with_a_line_per_loop(tmp_path, monkeypatch):
    from dataflow.native.batch import UsageError
    from dataflow.native.cli import build_parser, plan_run

    tree(tmp_path, {"a/.keep": ""}, {"a/loop1.pdf": "loop2.pdf", "a/loop2.pdf": "loop1.pdf"})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as raised:
        plan_run(build_parser(with_temporal=False).parse_args(["run", "a", "--out", "out"]))
    lines = str(raised.value).splitlines()
    assert lines[0] == "no files of a known kind were found in a."
    assert [line.split(":")[0] for line in lines[1:]] == [str(tmp_path / "a/loop1.pdf"), str(tmp_path / "a/loop2.pdf")]
