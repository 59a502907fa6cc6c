"""The redaction table: for each kind, strings it must redact and look-alikes it must leave alone."""

import pytest

from dataflow.executors.json.patterns import KINDS, PATTERNS, luhn_valid, marker, redact

MATCHES = {
    "private_key": ["-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
                    "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"],
    "jwt": ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"],
    "database_url": ["postgres://app:s3cr3t@db.internal:5432/prod", "mongodb+srv://root:hunter2@cluster0.mongodb.net/x",
                     "mysql://u:p@localhost/db", "redis://default:pw@cache:6379/0"],
    "cloud_key": ["AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"],
    "api_key": ["sk-proj-4f8a9b2c1d3e5f7a9b0c2d4e6f8a0b1c", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123",
                "sk-abcdefghijklmnopqrstuvwxyz012345"],
    "source_token": ["ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "github_pat_11ABCDEFG0123456789_abcdefghijkl",
                     "glpat-xxxxXXXXyyyyYYYYzzzz"],
    "payment_key": ["sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "rk_test_" + "abcdefghijklmnop1234"],
    "chat_token": ["xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"],
    "email": ["jane.doe@example.com", "j+tag@mail.example.co.uk", "ADMIN@EXAMPLE.ORG"],
    "card": ["4111 1111 1111 1111", "4111-1111-1111-1111", "5500005555555559", "378282246310005"],
    "ip": ["192.168.1.20", "8.8.8.8", "2001:db8:85a3::8a2e:370:7334", "fe80::1ff:fe23:4567:890a"],
    "phone": ["+33 6 12 34 56 78", "+1 (415) 555-0132", "+44 20 7946 0958", "(415) 555-0132", "415-555-0132"],
}

LOOK_ALIKES = {
    "private_key": ["-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----", "BEGIN PRIVATE KEY (in prose)"],
    "jwt": ["eyJhbGciOiJIUzI1NiJ9 alone", "a.b.c"],
    "database_url": ["postgres://db.internal:5432/prod", "https://example.com:8080/path"],
    "cloud_key": ["AKIA123", "THISISNOTAKIAIOSFODNN7EXAMPLE", "AIzaShort"],
    "api_key": ["sk-short", "task-force-alpha-bravo-charlie-delta", "risk-management"],
    "source_token": ["ghp_tooShort", "github_pat_short"],
    "payment_key": ["sk_live_short", "pk_prod_abcdefghijklmnopqrstu"],
    "chat_token": ["xoxb-short", "xoxo-abcdefghijkl"],
    "email": ["user@localhost", "not an @ sign", "first.last@", "@handle"],
    "card": ["4111 1111 1111 1112", "1700000000000", "0000 0000 0000 0000", "order 12345678", "2024-01-15",
             "1.4111111111111111"],
    "ip": ["1.2.3.4.5", "v1.2.3.4", "256.1.1.1", "10.0.0.256", "12:30:45", "::"],
    "phone": ["2024-01-15", "+1", "version 1.2.3", "12345678", "ISBN 978-3-16-148410-0", "+123"],
}


def test_every_kind_has_matches_and_look_alikes():
    assert set(MATCHES) == set(KINDS) == set(LOOK_ALIKES)


@pytest.mark.parametrize(("kind", "text"), [(kind, text) for kind, texts in MATCHES.items() for text in texts])
def test_each_kind_redacts_what_it_is_for(kind, text):
    found = []
    assert redact(f"before {text} after", found.append) == f"before {marker(kind)} after"
    assert found == [kind]


@pytest.mark.parametrize(("kind", "text"), [(kind, text) for kind, texts in LOOK_ALIKES.items() for text in texts])
def test_look_alikes_are_left_alone(kind, text):
    found = []
    assert redact(text, found.append) == text and found == []


def test_a_private_key_cut_before_its_end_line_is_redacted_to_the_end_of_the_text():
    found = []
    text = redact("key: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA", found.append)
    assert text == "key: [REDACTED:private_key]" and found == ["private_key"]


def test_a_database_url_is_one_redaction_not_an_email_inside_it():
    found = []
    redact("postgres://me:pw@db.example.com/x", found.append)
    assert found == ["database_url"]


def test_several_secrets_in_one_text_are_each_counted():
    found = []
    text = redact("mail a.b@example.com from 10.0.0.1 with key AKIAIOSFODNN7EXAMPLE", found.append)
    assert text == "mail [REDACTED:email] from [REDACTED:ip] with key [REDACTED:cloud_key]"
    assert sorted(found) == ["cloud_key", "email", "ip"]


def test_a_redacted_text_is_left_as_it_is_when_cleaned_again():
    once = redact("jane@example.com 4111111111111111", lambda kind: None)
    assert redact(once, lambda kind: pytest.fail(kind)) == once


def test_luhn_follows_iso_7812():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")


def test_every_pattern_row_names_a_kind_in_lowercase():
    assert all(p.kind == p.kind.lower() and p.regex for p in PATTERNS)


@pytest.mark.parametrize(("kind", "text"), [(kind, text) for kind, texts in MATCHES.items() for text in texts])
def test_every_match_holds_a_needle_of_its_row_so_the_prefilter_never_hides_it(kind, text):
    rows = [p for p in PATTERNS if p.kind == kind]
    assert all(p.needles for p in PATTERNS)
    assert any(p.compiled.search(text) and any(n in text for n in p.needles) for p in rows)
