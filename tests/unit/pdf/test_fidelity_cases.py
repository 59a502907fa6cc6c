"""The cases of issue 12 that lost whole documents or made output differ between runs, each on a
fixture built by code (tests/unit/pdf/fidelity_pdfs.py)."""

import json

import pytest

from tests.unit.pdf import fidelity_pdfs
from tests.unit.pdf.conftest import metadata_of, unzip


@pytest.mark.parametrize("mode", ["complete", "text"])
async def test_a_lone_surrogate_in_the_text_is_replaced_and_counted_zip(run_document, mode):
    result, data = await run_document(fidelity_pdfs.lone_surrogate_pdf(), {"mode": mode})
    text = unzip(data)["text/page-0001.txt"].decode("utf-8")
    assert text == "\ufffdA😀\ufffd"  # the pair <D83DDE00> is a real character; the lone halves are not
    assert metadata_of(data)["replaced_characters"] == 2
    assert result["pages"] == 1


async def test_a_lone_surrogate_in_the_text_is_replaced_in_json_output(run_document):
    _, data = await run_document(fidelity_pdfs.lone_surrogate_pdf(), {"format": "json"})
    document = json.loads(data.decode("utf-8"))
    assert document["pages"][0]["text"] == "\ufffdA😀\ufffd" and document["replaced_characters"] == 2


@pytest.mark.parametrize("output", ["zip", "json"])
async def test_a_page_without_a_mediabox_gets_the_default_size_and_a_note(run_document, output):
    _, data = await run_document(fidelity_pdfs.no_mediabox_pdf(), {"format": output})
    meta = json.loads(data) if output == "json" else metadata_of(data)
    size = meta["page_sizes"][0]
    assert (size["width_pt"], size["height_pt"]) == (612.0, 792.0) and "MediaBox" in size["note"]
    text = meta["pages"][0]["text"] if output == "json" else unzip(data)["text/page-0001.txt"].decode()
    assert text == "No box here"


async def test_messages_quoting_objects_give_identical_bytes_on_every_run(run_document):
    data = fidelity_pdfs.misplaced_root_pdf()
    _, first = await run_document(data, task_id="a")
    _, second = await run_document(data, task_id="b")
    _, as_json = await run_document(data, {"format": "json"}, task_id="c")
    _, as_json_again = await run_document(data, {"format": "json"}, task_id="d")
    assert first == second and as_json == as_json_again
    messages = metadata_of(first)["pypdf_messages"]
    assert "Root found at IndirectObject(3, 0)" in messages  # the address pypdf quoted is gone
