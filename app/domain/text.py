"""Text helpers of the validate stage: HTML stripping here, whitespace normalisation in the
engine."""

from __future__ import annotations

import html
import re

from app.domain.engine import normalize_whitespace

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]{0,2000}>", re.I | re.S)
_BLOCK_TAG = re.compile(r"</?(p|div|br|li|h[1-6]|tr|blockquote|section|article)\b[^>]*>", re.I)


def strip_html(text: str) -> str:
    """Remove tags and decode entities, keeping paragraph breaks where block tags were."""
    if "<" in text:
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


__all__ = ["normalize_whitespace", "strip_html"]
