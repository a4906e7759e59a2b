"""The article with each claim's words marked: its text as escaped HTML, each claim's span a <mark>.

Spans may nest (a figure inside a longer claim) or cross; the marks are always well nested: a span that
crosses another is closed where the other closes and opened again after it, every piece carrying its claim.
A span is marked only where the article's text at its offsets is the claim's quote; otherwise it is left out
and named with the reason, so a wrong offset never marks the wrong words. Importable without Streamlit.
"""
from __future__ import annotations

import dataclasses
import hashlib
import html
import numbers
import re

SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


@dataclasses.dataclass(frozen=True)
class Span:
    claim: str
    start: int
    end: int
    quote: str
    css_class: str = ""  # e.g. the claim's verdict, for its colour


def anchor(claim_id) -> str:
    """The HTML id of a claim's card: `claim-c05`. An id with other characters gets a hash, so the anchor is
    always a safe, distinct token in HTML and CSS."""
    text = str(claim_id)
    if SAFE_ID.fullmatch(text):
        return f"claim-{text}"
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "", text)[:20]
    return f"claim-{cleaned}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:10]}"


def check_spans(text: str, spans) -> tuple[list[Span], dict[str, str]]:
    """The spans that can be marked, and {claim: why not} for the others."""
    good, problems = [], {}
    for span in spans:
        start, end = span.start, span.end
        if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in (start, end)):
            problems[span.claim] = "its span is not a pair of character offsets"
        elif not 0 <= start < end <= len(text):
            problems[span.claim] = f"its span {start}-{end} lies outside the article's {len(text)} characters"
        elif text[start:end] != span.quote:
            problems[span.claim] = f"the article's text at {start}-{end} is not its quote"
        else:
            good.append(dataclasses.replace(span, start=int(start), end=int(end)))
    return good, problems


def _open_tag(span: Span, first: bool, selected: str | None) -> str:
    classes = ["kcm-claim"]
    if span.css_class:
        classes.append(f"kcm-claim-{re.sub(r'[^a-z0-9_-]', '', span.css_class.lower())}")
    if span.claim == selected:
        classes.append("kcm-selected")
    if not first:
        classes.append("kcm-continued")
    claim = html.escape(span.claim, quote=True)
    tag = f'<mark class="{" ".join(classes)}" data-claim="{claim}" title="Claim {claim}">'
    if first:  # the claim's id at the start of its words, a link to its card
        tag += f'<a class="kcm-claim-tag" href="#{anchor(span.claim)}">{claim}</a>'
    return tag


def highlight(text: str, spans, selected: str | None = None) -> str:
    """The text as HTML: escaped, each span in `spans` (checked ones: see check_spans) a <mark> with its
    claim in `data-claim`, beginning with a link to `#claim-<id>`; the selected claim's marks have the class
    `kcm-selected`. Line breaks are kept as text (show it with white-space: pre-wrap)."""
    spans = sorted(spans, key=lambda s: (s.start, -s.end, s.claim))
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[str] = []
    stack: list[Span] = []  # the marks open at this point, outermost first
    for here, after in zip(cuts, cuts[1:]):
        # Close what ends here; marks opened inside one that ends are closed with it and opened again.
        ending = [s for s in stack if s.end <= here]
        if ending:
            lowest = min(stack.index(s) for s in ending)
            reopen = [s for s in stack[lowest:] if s.end > here]
            out.append("</mark>" * (len(stack) - lowest))
            del stack[lowest:]
            for span in reopen:
                out.append(_open_tag(span, False, selected))
                stack.append(span)
        for span in spans:
            if span.start == here:
                out.append(_open_tag(span, True, selected))
                stack.append(span)
        out.append(html.escape(text[here:after], quote=True))
    out.append("</mark>" * len(stack))
    return "".join(out)
