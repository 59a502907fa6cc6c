"""What the result viewer shows of an LLM enrichment: its figures (records, failures, tokens, cost),
a table of the first records with their source text cut short beside the model's summary,
keywords, entities and sentiment, the records that failed with their reasons, and the sentiment
distribution and most frequent keywords as bars.

Read lazily, in the stored output format of output.py: the figures and failures from the task's
summary.md (small, counted over every record), the table from the head of the result file
(json/view.head_records). Every
value stays text. Executors ring, pure."""

from __future__ import annotations

import json
import re
from typing import Any

from dataflow.core.views import Block, Cell, Counts, Facts, Notes, ResultSource, ResultView, Row, Table, cut
from dataflow.executors.json.view import PREVIEW_RECORDS, as_object, head_records, value_cell
from dataflow.executors.llm.output import record_name
from dataflow.executors.llm.records import MISSING, as_text, lookup

SOURCE_CHARS = 160  # of a record's text beside its answer
COLUMNS = ("Source text", "Summary", "Keywords", "Entities", "Sentiment")
CHARTS = (("Sentiment", "Sentiment distribution"), ("Most frequent keywords", "Most frequent keywords"))
UNESCAPED_BAR = re.compile(r"(?<!\\)\|")


async def llm_view(result: dict[str, Any], options: dict[str, Any], source: ResultSource) -> ResultView:
    """The view of an enrichment: `result` is the task's result (output of LlmExecutor), `options`
    its LlmOptions as JSON; ValueError when the result file is not records."""
    key = str(options.get("output_key") or "llm")
    text_path = str(options.get("text_path") or "")
    summary_source = await source.other(str(result["summary_key"])) if result.get("summary_key") else None
    sections = parse_summary((await summary_source.whole()).decode("utf-8", "replace")) if summary_source else {}
    records = [record for record in await head_records(source, PREVIEW_RECORDS) if isinstance(record, dict)]
    blocks: list[Block] = [Facts("Enrichment", tuple(figures(result)))]
    if records:
        total = int(result["records"]) if isinstance(result.get("records"), int) else None
        blocks.append(records_table(records, key=key, text_path=text_path, total=total))
    failed = [f"Record {number}: {reason}" for number, reason in sections.get("Records that failed", [])]
    if failed or sections:
        blocks.append(Notes("Records that failed", tuple(failed) or ("None",)))
    elif records:  # no summary stored: what the shown records say
        shown = tuple(f"Record {record_name(index)}: {as_object(record.get(key))['_error']}"
                      for index, record in enumerate(records) if _failed(record, key))
        blocks.append(Notes("Failed among the records shown", shown or ("None",)))
    for heading, title in CHARTS:
        rows = sections.get(heading) or (_counted(records, key, heading) if not sections else [])
        if rows:
            blocks.append(Counts(title, tuple((label, _int(count)) for label, count in rows)))
    return ResultView(title=str(result.get("filename") or "Enrichment"), blocks=tuple(blocks))


def figures(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The task's figures as (label, value) rows."""
    labels = (("model", "Model"), ("records", "Records"), ("enriched", "Enriched"), ("failed", "Failed"),
              ("kept", "Answers kept from the earlier run"), ("truncated", "Cut to the length limit"),
              ("requests", "Requests"), ("prompt_tokens", "Tokens in"), ("completion_tokens", "Tokens out"))
    rows = [(label, f"{value:,}" if isinstance(value, int) else str(value)) for name, label in labels
            if (value := result.get(name)) is not None]
    if result.get("cost"):
        rows.append(("Estimated cost", f"{float(result['cost']):.4f}"))
    return rows


def parse_summary(markdown: str) -> dict[str, list[tuple[str, str]]]:
    """The two-column tables of summary.md (output.summary_markdown) by their `## ` heading:
    {"Most frequent keywords": [(keyword, count)], "Sentiment": [...], "Records that failed":
    [(record number, reason)]}; cells unescaped (`\\|` back to `|`)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    heading = ""
    for line in markdown.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            sections[heading] = []
        elif heading and line.startswith("|") and not line.startswith("|---"):
            cells = [cell.strip().replace("\\|", "|") for cell in UNESCAPED_BAR.split(line.strip())[1:-1]]
            if len(cells) == 2:
                sections[heading].append((cells[0], cells[1]))
    for rows in sections.values():
        if rows:
            del rows[0]  # the header row
    return sections


def records_table(records: list[dict[str, Any]], *, key: str, text_path: str, total: int | None) -> Table:
    """The records beside their answers; a failed record shows its reason as its summary."""
    rows = []
    for number, record in enumerate(records, 1):
        answer = as_object(record.get(key))
        original = {name: value for name, value in record.items() if name != key}
        found = lookup(original, text_path) if text_path else original
        text = "" if found is MISSING else as_text(found)
        cells = [Cell(cut(text, SOURCE_CHARS), text if len(text) > SOURCE_CHARS else None)]
        if "_error" in answer:
            cells += [Cell(f"Failed: {answer['_error']}"), Cell(""), Cell(""), Cell("")]
        elif not any(name in answer for name in ("summary", "keywords", "entities", "sentiment")):
            cells += [value_cell({k: v for k, v in answer.items() if not k.startswith("_")}), Cell(""), Cell(""),
                      Cell("")]  # a custom prompt's answer, whole
        else:
            cells += [value_cell(answer.get("summary", "")), Cell(_listed(answer.get("keywords"))),
                      Cell(_listed(answer.get("entities"))), Cell(as_text(answer.get("sentiment", "")))]
        rows.append(Row(f"Record {number}", tuple(cells), json.dumps(record, indent=2, ensure_ascii=False)))
    note = f"The first {len(rows):,} of {total:,} records" if total is not None and total > len(rows) else ""
    return Table("Records", COLUMNS, tuple(rows), note)


def _listed(value: Any) -> str:
    """Keywords or entities as one line: a list joined by commas; the default answer's entities
    (lists by kind) as "people: Ada · organizations: ACME" (empty kinds left out)."""
    if isinstance(value, dict) and all(isinstance(items, list) for items in value.values()):
        return " · ".join(f"{str(kind).replace('_', ' ')}: {_listed(items)}" for kind, items in value.items() if items)
    if not isinstance(value, list):
        return "" if value is None else as_text(value)
    return ", ".join(_entity(item) for item in value)


def _entity(item: Any) -> str:
    if isinstance(item, dict):
        name = item.get("name") or item.get("text") or item.get("entity")
        kind = item.get("type") or item.get("label")
        if name is not None:
            return f"{name} ({kind})" if kind else str(name)
    return as_text(item)


def _failed(record: dict[str, Any], key: str) -> bool:
    return "_error" in as_object(record.get(key))


def _counted(records: list[dict[str, Any]], key: str, heading: str) -> list[tuple[str, str]]:
    """Without a summary.md: sentiment or keyword counts of the records shown."""
    counts: dict[str, int] = {}
    for record in records:
        answer = as_object(record.get(key))
        if heading == "Sentiment" and "sentiment" in answer:
            labels = {str(answer["sentiment"])}
        elif heading != "Sentiment" and isinstance(answer.get("keywords"), list):
            labels = {str(word).strip().lower() for word in answer["keywords"] if str(word).strip()}
        else:
            continue
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
    return [(label, str(count)) for label, count in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))]


def _int(text: str) -> int:
    try:
        return int(text.replace(",", ""))
    except ValueError:
        return 0
