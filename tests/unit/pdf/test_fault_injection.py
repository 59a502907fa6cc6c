"""A failure injected at each stage of the pipeline in turn: the result is still written, and the
part that could not be made is listed with its page and a plain reason."""

import json

import pypdf
import pytest

from dataflow.executors.pdf import service as service_module
from tests import pdfs
from tests.unit.pdf.conftest import metadata_of, unzip


def boom(*args, **kwargs):
    raise RuntimeError("injected failure")


def where_listed(meta: dict, stage: str) -> list:
    """The entries of metadata.json that report the injected failure of `stage`."""
    return {
        "page_text": [p for p in meta["skipped_pages"] if p["page"] == 2],
        "page_image_streams": [p for p in meta["image_errors"] if p["page"] == 2],
        "convert_image": [i for i in meta["images"] if i["name"].endswith(".error") and 2 in i["pages"]],
        "page_size": [e for e in meta.get("detail_errors", []) if e["detail"] == "page_size" and e["page"] == 2],
        "document_outline": [e for e in meta.get("detail_errors", []) if e["detail"] == "outline"],
        "metadata": [1] if "_error" in meta["document_info"] else [],
    }[stage]


STAGES = ["page_text", "page_image_streams", "convert_image", "page_size", "document_outline", "metadata"]


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("output", ["zip", "json"])
async def test_the_result_is_written_whatever_one_stage_raises(run_document, monkeypatch, stage, output):
    if stage == "metadata":  # pypdf itself raising while reading /Info
        monkeypatch.setattr(pypdf.PdfReader, "metadata", property(boom))
    else:
        original = getattr(service_module, stage)

        def on_page_two(*args, **kwargs):
            page = next((a for a in args if isinstance(a, int)), None)
            identity = next((a for a in args if isinstance(a, str)), "")
            second = page == 1 or (page == 2 and stage == "page_image_streams") or identity.startswith("img-") \
                and stage == "convert_image"
            if stage in ("document_outline",) or second:
                raise RuntimeError("injected failure")
            return original(*args, **kwargs)

        monkeypatch.setattr(service_module, stage, on_page_two)
    result, data = await run_document(pdfs.images_pdf(), {"format": output})
    meta = json.loads(data) if output == "json" else metadata_of(data)
    assert result["pages"] == 3 and meta["page_count"] == 3
    listed = where_listed(meta, stage)
    assert listed, f"the failure of {stage} is not listed"
    assert "injected failure" in json.dumps(listed) or stage == "metadata"
    if output == "zip" and stage != "page_text":
        assert len([n for n in unzip(data) if n.startswith("text/")]) == 3
