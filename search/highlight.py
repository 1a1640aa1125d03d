"""HTML-safe snippets of a case's facts with the matched terms marked, the same for every backend."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from search.analysis import normalize

SNIPPET_CHARS = 120
_LEAD_CHARS = 20


def snippet(text: str, terms: Sequence[str], *, size: int = SNIPPET_CHARS) -> str:
    """Return a window of text around the first matched term, escaped, each match in ``<mark>``.

    :param text: the raw facts as indexed.
    :param terms: analysed (normalised) terms to mark.
    :param size: the most characters of text to show.
    :return: an HTML fragment safe to insert as is; "" for an empty text.
    """
    if not text:
        return ""
    normal = normalize(text)
    # Offsets found in the normalised text fit the raw text only while both have the same length
    # (NFKC and phrase conversion can change it); otherwise show the normalised text.
    shown = text if len(normal) == len(text) else normal
    spans = _match_spans(normal, terms)
    # Start a little before the first match, but never show less than size characters.
    start = max(0, min(spans[0][0] - _LEAD_CHARS, len(shown) - size)) if spans else 0
    end = min(len(shown), start + size)
    parts: list[str] = ["…"] if start > 0 else []
    cursor = start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        parts.append(html.escape(shown[cursor:span_start]))
        parts.append(f"<mark>{html.escape(shown[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(html.escape(shown[cursor:end]))
    if end < len(shown):
        parts.append("…")
    return "".join(parts)


def _match_spans(normal: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    unique = sorted({term for term in terms if term}, key=len, reverse=True)
    if not unique:
        return []
    # Longest first, so a compound is marked whole rather than as its sub-words.
    pattern = re.compile("|".join(re.escape(term) for term in unique))
    return [match.span() for match in pattern.finditer(normal)]
