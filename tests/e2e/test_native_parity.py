"""The same file with the same options gives byte-identical results from the page (Pyodide, Web
Worker, IndexedDB) and from the `dataflow` command (CPython, worker processes, files): a PDF as a
ZIP and as one JSON document (each written in pieces: the page's Blob builder, the command's file
writer), and a JSON file through the JSON workbench (its data, and its report.json but for the
run's timings)."""

import concurrent.futures
import json

from rich.console import Console

from dataflow.native.cli import main
from tests import pdfs
from tests.e2e.helpers import add_files, download, wait_engine, wait_status
from tests.e2e.test_json_workbench import choose
from tests.unit.native.conftest import without_timings

PEOPLE = json.dumps([{"id": 1, "mail": "ann@example.com", "note": "call +1 415 555 0100"},
                     {"id": 2, "mail": "bob@example.org", "token": "sk-" + "a1B2c3D4" * 5}]).encode()


def test_the_page_and_the_command_line_give_the_same_bytes(open_app, tmp_path):
    data = pdfs.images_pdf()  # built once: fpdf2 stamps the time of creation into each PDF it makes
    page = open_app()
    wait_engine(page)
    add_files(page, {"scans.pdf": data})
    name, from_page = download(page, wait_status(page, "scans.pdf", "completed"))
    page.select_option("#opt-pdf-format", "json")
    page.dispatch_event("#opt-pdf-format", "change")
    add_files(page, {"scans-doc.pdf": data})
    document_name, document_from_page = download(page, wait_status(page, "scans-doc.pdf", "completed"))
    choose(page, operation="clean")
    add_files(page, {"people.json": PEOPLE}, mime="application/json")
    done = wait_status(page, "people.json", "completed")
    json_name, json_from_page = download(page, done)
    report_name, report_from_page = download(page, done, "Download report")

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "scans.pdf").write_bytes(data)
    (folder / "people.json").write_bytes(PEOPLE)
    args = ["run", str(folder), "--out", str(tmp_path / "out"), "--operation", "clean", "--workers", "1", "--quiet"]
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's event loop owns this thread
        code = pool.submit(main, args, console=Console(record=True)).result()
    (tmp_path / "in2").mkdir()
    (tmp_path / "in2" / "scans-doc.pdf").write_bytes(data)
    args = ["run", str(tmp_path / "in2"), "--out", str(tmp_path / "out2"), "--format", "json", "--workers", "1",
            "--quiet"]
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        document_code = pool.submit(main, args, console=Console(record=True)).result()
    assert code == 0 and name == "scans.zip" and document_code == 0 and document_name == "scans-doc.json"
    assert (tmp_path / "out2" / document_name).read_bytes() == document_from_page
    assert json.loads(document_from_page)["images"][0]["data_base64"]
    assert (tmp_path / "out" / name).read_bytes() == from_page
    assert (json_name, report_name) == ("people.clean.json", "people.json.report.json")
    assert (tmp_path / "out" / json_name).read_bytes() == json_from_page
    assert b"[REDACTED:email]" in json_from_page and b"ann@example.com" not in json_from_page
    assert without_timings((tmp_path / "out" / report_name).read_bytes()) == without_timings(report_from_page)
