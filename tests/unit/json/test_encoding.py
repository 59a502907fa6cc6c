"""From stored bytes to UTF-8: byte-order marks, UTF-16, and what files that are not JSON look like."""

import codecs

import pytest

from dataflow.executors.json.encoding import describe_text, excerpt, to_utf8
from dataflow.executors.json.errors import EmptyFileError, EncodingError, NotJsonError


def test_utf8_without_bom_is_kept_as_it_is():
    text = to_utf8('[{"a": "é"}]'.encode())
    assert text.data == '[{"a": "é"}]'.encode() and text.encoding == "utf-8" and not text.warnings


def test_the_utf8_bom_is_dropped():
    text = to_utf8(codecs.BOM_UTF8 + b"[1]")
    assert text.data == b"[1]" and text.encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_is_transcoded_to_utf8_with_a_note(codec):
    body = '[{"a": "日本"}]'
    raw = body.encode(codec) if codec == "utf-16" else (
        (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) + body.encode(codec))
    text = to_utf8(raw)
    assert text.data == body.encode() and text.encoding == "utf-16" and "UTF-16" in text.warnings[0]


def test_utf16_without_a_bom_is_named():
    with pytest.raises(NotJsonError, match="UTF-16 text without a byte-order mark"):
        to_utf8('[{"a": 1}]'.encode("utf-16-le"))


def test_utf32_is_refused_with_what_to_do():
    with pytest.raises(EncodingError, match="UTF-32 text; save it as UTF-8"):
        to_utf8('[1]'.encode("utf-32"))


def test_broken_utf16_says_where():
    with pytest.raises(EncodingError, match="not valid UTF-16 at byte"):
        to_utf8(codecs.BOM_UTF16_LE + b"[\x00\x00\xd8]\x00")


@pytest.mark.parametrize("data", [b"", b"  \n\t "])
def test_empty_files_are_refused(data):
    with pytest.raises(EmptyFileError):
        to_utf8(data)


@pytest.mark.parametrize(("data", "looks_like"), [
    (b"%PDF-1.7\n...", "a PDF document"), (b"PK\x03\x04rest", "a ZIP archive"), (b"\x1f\x8b\x08rest", "a gzip"),
    (b"\x89PNG\r\n", "a PNG image"), (b"\x00\x01\x02\x03" * 10, "binary data")])
def test_binary_files_say_what_they_look_like(data, looks_like):
    with pytest.raises(NotJsonError, match=looks_like):
        to_utf8(data)


@pytest.mark.parametrize(("head", "looks_like"), [
    ("<!DOCTYPE html><html>", "an HTML page"), ("<?xml version='1.0'?>", "XML or HTML"),
    ("name: value\nother: 2", "YAML"), ("id,name,email\n1,a,b", "CSV"), ("hello world", "plain text starting with")])
def test_text_that_is_not_json_is_described(head, looks_like):
    assert looks_like in describe_text(head)


def test_an_excerpt_is_short_quoted_and_shows_line_breaks():
    assert excerpt("a" * 100 + "\nb", 100, width=5) == "…“aaaaa⏎b”"
