"""The secrets and personal data that Clean redacts, as one table: each kind with its regular
expression and, where a pattern alone matches look-alikes, a check (Luhn for cards, the standard
library's ipaddress for IPv6, digit counts for phones). Standard library only.

Sources of the formats: AWS access key ids (AKIA/ASIA + 16), Google API keys (AIza + 35),
OpenAI/Anthropic `sk-` keys, GitHub tokens (ghp_/gho_/ghu_/ghs_/ghr_ + 36, github_pat_), GitLab
(glpat-), Stripe (sk_/rk_/pk_ live/test), Slack (xox?-), JWT (RFC 7519 compact form), PEM private
keys (RFC 7468), card numbers (ISO/IEC 7812: 13-19 digits, Luhn check digit)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field


def luhn_valid(digits: str) -> bool:
    """The Luhn check of ISO/IEC 7812 over a string of digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card(text: str) -> bool:
    digits = re.sub(r"[ -]", "", text)
    return 13 <= len(digits) <= 19 and digits[0] in "23456" and len(set(digits)) > 1 and luhn_valid(digits)


def _ipv6(text: str) -> bool:
    if text.count(":") < 2 or sum(1 for group in text.split(":") if group) < 2:
        return False
    import ipaddress  # here, on the first candidate: importing it is ~40 ms of the page's start-up in Pyodide

    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _phone(text: str) -> bool:
    return 8 <= sum(char.isdigit() for char in text) <= 15


DIGITS = tuple("0123456789")


@dataclass(frozen=True)
class Pattern:
    """A kind of secret: its regex, an optional check of each match, and needles (substrings one of
    which any match contains; a text holding none of them is not searched, which keeps Clean fast)."""

    kind: str
    regex: str
    check: Callable[[str], bool] | None = None
    note: str = ""
    needles: tuple[str, ...] = ()
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)
    hint: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", re.compile(self.regex, re.S))
        object.__setattr__(self, "hint", re.compile("|".join(map(re.escape, self.needles))) if self.needles else None)


OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"

# Rows run in this order, so an earlier row wins where two overlap (a database URL holds an "e-mail").
PATTERNS: tuple[Pattern, ...] = (
    Pattern("private_key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"
                           r"(?:.*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|.*)",
            note="PEM private keys, to the END line (or the end of the text when it is cut)", needles=("-----BEGIN",)),
    Pattern("jwt", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", needles=("eyJ",)),
    Pattern("database_url", r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver"
                            r"|oracle|cockroachdb)://[^\s:/@]+:[^\s@/]+@[^\s\"'<>]+",
            note="a URL of a database with user:password@", needles=("://",)),
    Pattern("cloud_key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])",
            needles=("AKIA", "ASIA", "AIza")),
    Pattern("api_key", r"\bsk-(?:proj-|ant-(?:api\d\d-|admin\d\d-)?|svcacct-)?[A-Za-z0-9_\-]{20,}", needles=("sk-",)),
    Pattern("source_token", r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{22,}"
                            r"|\bglpat-[A-Za-z0-9_\-]{20,}",
            needles=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-")),
    Pattern("payment_key", r"\b(?:sk|rk|pk|whsec)_(?:live|test)_[A-Za-z0-9]{16,}", needles=("_live_", "_test_")),
    Pattern("chat_token", r"\bxox[abprs]-[A-Za-z0-9-]{10,}", needles=("xox",)),
    Pattern("email", r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])",
            needles=("@",)),
    Pattern("card", r"(?<![\d.-])(?:\d[ -]?){12,18}\d(?![\d.-])", _card,
            "13 to 19 digits, Luhn-checked, first digit 2-6", DIGITS),
    Pattern("ip", rf"(?<![\w.]){OCTET}(?:\.{OCTET}){{3}}(?![\w.])", needles=DIGITS),
    Pattern("ip", r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])", _ipv6, needles=("::", ":")),
    Pattern("phone", r"(?<![\w+])\+[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}(?![\w])"
                     r"|(?<![\w(])\(\d{3}\) ?\d{3}[ .-]\d{4}(?!\w)|(?<![\w-])\d{3}-\d{3}-\d{4}(?![\w-])",
            _phone, "international +… numbers and North American (555) 555-5555 / 555-555-5555", DIGITS),
)

KINDS = tuple(dict.fromkeys(pattern.kind for pattern in PATTERNS))
# One search, in C, rules out most texts (words without digits, @, :// ...) before any row runs.
ANY_HINT = re.compile("|".join(re.escape(needle) for pattern in PATTERNS for needle in pattern.needles))


def marker(kind: str) -> str:
    return f"[REDACTED:{kind}]"


def redact(text: str, found: Callable[[str], None]) -> str:
    """`text` with every match replaced by its marker, row by row in table order (so an earlier
    row wins where two overlap); `found(kind)` is called once per replacement."""
    if ANY_HINT.search(text) is None:
        return text
    for pattern in PATTERNS:
        if pattern.hint is not None and pattern.hint.search(text) is None:
            continue

        def replace(match: re.Match, pattern: Pattern = pattern) -> str:
            value = match.group()
            if pattern.check is not None and not pattern.check(value):
                return value
            found(pattern.kind)
            return marker(pattern.kind)

        text = pattern.compiled.sub(replace, text)
    return text
