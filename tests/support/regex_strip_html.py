"""The regular-expression ``strip_html`` that ``app.domain.text`` replaced, kept as the oracle
of its equivalence test and the baseline of ``scripts/bench_strip_html.py``.

It is quadratic on texts with many unclosed ``<!--``, ``<script`` or block-tag heads: never
use it on input.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]{0,2000}>", re.I | re.S)
_BLOCK_TAG = re.compile(r"</?(p|div|br|li|h[1-6]|tr|blockquote|section|article)\b[^>]*>", re.I)


def regex_strip_html(text: str) -> str:
    """The former ``app.domain.text.strip_html``, unchanged."""
    if "<" in text:
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text
