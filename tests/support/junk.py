"""Hypothesis strategies for bad input: JSON values of every wrong type, nasty and huge strings, nested junk,
and valid documents with some of their values replaced by such junk."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# repeatable in CI (the seed comes from each test's source), modest in size, no flaky deadlines; the
# function-scoped fixtures (app, db, client) are shared by the examples on purpose: each example measures
# what it changed
PROPERTY_SETTINGS = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

NASTY = st.sampled_from([
    "", " ", "\x00", "\x00abc", "\u202eabc\u202c", "\ufeff", "\u3000\u3000", "🙂" * 40, "𠀋𡈽𡌛",
    "<script>alert(1)</script>", "'; DROP TABLE disputes; --", "{{ 7*7 }}", "../../etc/passwd",
    "ＺＬ２０２１１０１２３４５６．７", "９１３２０６０２ＭＡ１Ｎ２Ｌ３Ｊ７Ｘ", "NaN", "null", "true", "-0", "1e309",
    "2026-02-30", "9999-12-31", "0001-01-01", "\t\r\n", "a" * 257, "申" * 3000, "x" * 120_000,
])
TEXT = st.text(max_size=30) | st.text(st.characters(codec="utf-8"), max_size=300) | NASTY
SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(-(2**80), 2**80)
           | st.floats(allow_nan=False, allow_infinity=False) | TEXT)
JUNK = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=8)
DELETE = object()


def paths(document, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys and list indices) to a value inside ``document``, the root excluded."""
    found = []
    items = document.items() if isinstance(document, dict) else enumerate(document) if isinstance(
        document, list) else ()
    for key, value in items:
        found.append((*prefix, key))
        found += paths(value, (*prefix, key))
    return found


def value_at(document, path: tuple):
    for key in path:
        document = document[key]
    return document


def _replace(document, path: tuple, value) -> None:
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value


@st.composite
def mutated(draw, base: dict, *, max_changes: int = 3) -> dict:
    """``base`` with 1..max_changes values replaced by junk or removed, and maybe an unknown key added."""
    document = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, max_changes))):
        candidates = paths(document)
        if not candidates:
            break
        _replace(document, draw(st.sampled_from(candidates)), draw(JUNK | st.just(DELETE)))
    if draw(st.booleans()):
        document[draw(TEXT)] = draw(JUNK)
    return document
