"""Text people typed, isolated so it cannot reorder the report around it.

A display name holding U+202E (right-to-left override) shows everything after it
on its line backwards; an Arabic title next to our English words can pull their
punctuation to its side. Unicode's answer is the isolate: U+2068 (first strong
isolate) … U+2069 (pop directional isolate) lays the run out on its own,
direction taken from its first strong letter, and nothing inside reaches out.

Markdown and DOCX isolate every value they render and every typed run that
providers compose into a sentence of ours ("Poll 1: <question>"), but only runs
that can reorder anything: those with right-to-left letters, Arabic digits or
direction controls. Plain left-to-right text is written as typed, so reports
stay greppable and diffable. The CSV writes its values as stored (they are
data: a mark would change them, and a spreadsheet lays each cell out as its
own paragraph, so an override cannot reach past its cell); only its composed
`details` column carries the isolates of the sentence it shares with the others.
"""

from __future__ import annotations

import re
import unicodedata

FSI, PDI = "\u2068", "\u2069"
_OPENERS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI: each closed by a PDI
# Bidi classes that can reorder text: right-to-left letters, Arabic digits, and the
# embedding and override controls (LRE, RLE, LRO, RLO, PDF).
_REORDERING = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF"})
# Where every such character lives (the right-to-left blocks, RLM, the controls):
# a run with none of them, most of a report, is passed over by one regex scan.
_MAYBE = re.compile(
    "[\u0590-\u08ff\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufeff"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def isolate(text: str) -> str:
    """`text` as an isolate if it could reorder what is around it, else as it is."""
    if _MAYBE.search(text) is None:
        return text
    balanced, reorders = _scan(text)
    return FSI + balanced + PDI if reorders else text


def _scan(text: str) -> tuple[str, bool]:
    """`text` balanced — without the pops that would close an isolate it did not open,
    its own isolates closed — and whether anything outside them reorders."""
    kept: list[str] = []
    depth = 0
    reorders = False
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch == PDI:
            if depth == 0:
                reorders = True
                continue
            depth -= 1
        elif depth == 0 and unicodedata.bidirectional(ch) in _REORDERING:
            reorders = True
        kept.append(ch)
    return "".join(kept) + PDI * depth, reorders or depth != 0
