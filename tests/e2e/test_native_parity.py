"""The same PDF with the same options gives byte-identical results from the page (Pyodide, Web
Worker, IndexedDB) and from the `dataflow` command (CPython, worker process, files)."""

import concurrent.futures

from rich.console import Console

from dataflow.native.cli import main
from tests import pdfs
from tests.e2e.helpers import add_files, download, wait_engine, wait_status


def test_the_page_and_the_command_line_give_the_same_bytes(open_app, tmp_path):
    data = pdfs.images_pdf()  # built once: fpdf2 stamps the time of creation into each PDF it makes
    page = open_app()
    wait_engine(page)
    add_files(page, {"scans.pdf": data})
    name, from_page = download(page, wait_status(page, "scans.pdf", "completed"))

    source = tmp_path / "in" / "scans.pdf"
    source.parent.mkdir()
    source.write_bytes(data)
    args = ["run", str(source), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet"]
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's event loop owns this thread
        code = pool.submit(main, args, console=Console(record=True)).result()
    assert code == 0 and name == "scans.zip"
    assert (tmp_path / "out" / name).read_bytes() == from_page
