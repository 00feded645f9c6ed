"""Text from files and arguments, as a terminal gets it: what it would act on or hide is written as escapes.

File names, titles, statuses and command arguments are text that anyone who can open a pull
request writes. Printed raw, an escape sequence in a title could retitle, recolour or clear the
terminal (or fake a line of output), a bidi override (U+202E) shows text in another order than it
is, and an invisible character makes two different words look the same. Every reporter that
writes to a terminal passes that text through :func:`printable`, which writes such characters as
``\\x1b`` or ``\\u202e``; JSON output gets them as JSON escapes (:func:`dumps`), so it still
parses to the same values. Ordinary text of any script is left as it is.
"""

from __future__ import annotations

import json
import unicodedata

#: Zero-width joiners that Persian and Indic scripts and emoji sequences need; they join, they hide nothing.
_JOINERS = frozenset("\u200c\u200d")
#: Control characters with a short escape everyone reads.
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: Format characters (bidi controls, zero-width spaces, the BOM, soft hyphens, tags), line and
#: paragraph separators, and lone surrogates (bytes of a file name that are not UTF-8).
_HIDDEN_CATEGORIES = frozenset({"Cf", "Zl", "Zp", "Cs"})


def is_hidden(char: str) -> bool:
    """True for a character a terminal acts on or does not show: C0 and C1 controls, DEL, and the invisible."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return True
    if code < 0x7F or char in _JOINERS:
        return False
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


def escape(char: str) -> str:
    """One character as an escape: ``\\n``, ``\\x1b`` (ASCII), ``\\u202e``, ``\\U000e0041``: the hex is its U+ code."""
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x80:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str, keep: str = "") -> str:
    """``text`` with every hidden character (see :func:`is_hidden`) but those in ``keep`` written as its escape.

    ``keep="\\n"`` is for a message whose own line breaks are meant (and whose untrusted parts were
    escaped where they were put in). Escaping twice changes nothing more, so a reporter may pass
    text that is already escaped.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(escape(c) if is_hidden(c) and c not in keep else c for c in text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def dumps(value: object) -> str:
    """``value`` as indented JSON for people and tools: readable text stays, hidden characters are ``\\u`` escapes.

    ``json.dumps`` already escapes C0 controls; DEL, C1 controls and invisible characters it leaves
    raw (outside strings the JSON text is plain ASCII, so only string contents change).
    """
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(_json_escape(c) if ord(c) >= 0x7F and is_hidden(c) else c for c in text)
