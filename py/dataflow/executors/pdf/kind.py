"""The PDF workbench described to the generic app: the files it takes, its options, a task's
input, its row summary, and the password an encrypted file needs. Executors ring, pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dataflow.core.blob_sweep import BlobClaims
from dataflow.core.kinds import Accepts, ExecutorKind, OptionField, SecretPrompt, StoredFile
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus
from dataflow.core.text import plural, size_text
from dataflow.core.views import ResultSource, ResultView
from dataflow.executors.pdf.errors import PDF_ERRORS, PasswordRequiredError, WrongPasswordError
from dataflow.executors.pdf.executor import PASSWORD, pdf_task_input
from dataflow.executors.pdf.options import LABELS, PdfOptions
from dataflow.executors.pdf.store import pdf_blob_claims
from dataflow.executors.pdf.view import pdf_view

RESULT_FORMS = {"application/zip": "ZIP", "application/json": "JSON"}  # a result's mime, as a row names it


class PdfKind(ExecutorKind[PdfOptions]):
    kind = "pdf"
    noun = "PDF"
    accepts = Accepts(mime_types=("application/pdf",), extensions=(".pdf",), label="PDF files (.pdf)")
    secret = SecretPrompt(name=PASSWORD, label="Password", placeholder="PDF password", submit="Unlock",
                          errors=frozenset({PasswordRequiredError.__name__, WrongPasswordError.__name__}))
    errors = PDF_ERRORS
    form = (
        OptionField("mode", LABELS["mode"], choices=(("complete", "Everything (text, images, metadata)"),
                                                     ("text", "Text only"), ("images", "Images only"))),
        OptionField("max_images", LABELS["max_images"], minimum=0, maximum=10_000),
        OptionField("format", LABELS["format"], choices=(("zip", "ZIP (text files, images, metadata.json)"),
                                                         ("json", "JSON (one document, images in base64)"))),
    )

    def parse_options(self, data: Mapping[str, Any] | None) -> PdfOptions:
        """PdfOptions from JSON; ValueError (or TypeError) for invalid values."""
        return PdfOptions.from_dict(dict(data) if data else None)

    def max_file_bytes(self, options: PdfOptions) -> int | None:
        """The options' file size limit (200 MB by default): larger files are never copied."""
        return options.max_file_bytes

    def task_input(self, file: StoredFile, options: PdfOptions) -> dict[str, Any]:
        """{"file_id", "file_name", "size", "options"}: see executor.pdf_task_input."""
        return pdf_task_input(file.file_id, file.name, file.size, options)

    def blob_claims(self, task: TaskState) -> BlobClaims:
        """See store.pdf_blob_claims: a result per run, and its summary, are the PDF kind's own."""
        return pdf_blob_claims(task)

    def has_view(self, task: TaskState) -> bool:
        """Every completed task with a stored result file (ZIP or JSON) can be viewed."""
        return task.status is TaskStatus.COMPLETED and self.download(task) is not None

    async def view(self, task: TaskState, source: ResultSource) -> ResultView:
        """See view.pdf_view: read from the stored result, never by processing the PDF again."""
        target = self.download(task)
        return await pdf_view(task.result, source, target.filename if target else "")

    def summary(self, result: Any) -> str:
        """“Title” · 12 pages · 1 image · ZIP 2.4 MB · 1 page(s) skipped · first warning. The size is
        the result file's (ZIP or JSON, by the summary's mime; "result" when it does not say)."""
        result = result if isinstance(result, dict) else {}
        parts = []
        if result.get("title"):
            parts.append(f"“{result['title']}”")
        if "pages" in result:
            parts.append(plural(int(result["pages"]), "page"))
        if result.get("images"):
            parts.append(plural(int(result["images"]), "image"))
        if "size" in result:  # the result file's, not the PDF's: say which file
            what = RESULT_FORMS.get(str(result.get("mime")), "result")
            parts.append(f"{what} {size_text(int(result['size']))}")
        if result.get("skipped_pages"):
            parts.append(f"{len(result['skipped_pages'])} page(s) skipped")
        if result.get("warnings"):
            parts.append(str(result["warnings"][0]))
        return " · ".join(parts)
