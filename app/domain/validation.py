"""The validate stage: raw bytes from any producer -> a normalised ``Article`` or a rejection.

Every failure is returned as data (a ``Rejection``), never raised, so the agent can dead-letter
it with the original payload and keep going.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import ValidationError

from app.domain.language import guess_language
from app.domain.text import normalize_whitespace, strip_html
from schemas import Article, DeadLetterReason, RawArticle


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a message cannot become an article."""

    error_type: DeadLetterReason
    reason: str


@dataclass(frozen=True, slots=True)
class ValidationLimits:
    """The bounds an article must respect."""

    max_bytes: int
    max_future_skew: timedelta
    default_language: str
    oldest_published: datetime
    """Earlier ``published_at`` values are rejected (aware, UTC)."""


_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
# One DNS label (IDNA letters allowed): 1-63 characters, no hyphen at either end.
_HOST_LABEL = re.compile(r"[^\W_](?:[\w-]{0,61}[^\W_])?")
_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")
# Most article URLs are plain: http(s), a host name and a path, with no port, user, query,
# fragment or character that urlsplit would drop. Their canonical form is read off this match;
# urlsplit and urlunsplit cost ten times more (a quarter of the validate stage).
_PLAIN_URL = re.compile(r"(?i:https?)://([A-Za-z0-9.-]+)(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?")


def validate_article(
    payload: bytes, limits: ValidationLimits, now: datetime, ingested_at: datetime | None = None
) -> Article | Rejection:
    """Parse, validate and normalise one raw message.

    ``ingested_at`` is when the message entered brinkwatch (its Kafka timestamp); ``now`` by
    default.
    """
    if len(payload) > limits.max_bytes:
        return Rejection(
            "too_large", f"message is {len(payload)} bytes; the limit is {limits.max_bytes}"
        )
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejection("invalid_utf8", f"payload is not valid UTF-8: {exc.reason} at {exc.start}")
    try:
        # Parsing and validating in one pass in pydantic-core costs a third of json.loads
        # followed by model_validate; its errors still tell the failure kinds apart.
        raw = RawArticle.model_validate_json(payload)
    except ValidationError as exc:
        return _rejection(exc)
    return normalize(raw, limits, now, ingested_at or now)


def normalize(
    raw: RawArticle, limits: ValidationLimits, now: datetime, ingested_at: datetime
) -> Article | Rejection:
    """Turn a schema-valid ``RawArticle`` into an ``Article``, or say why it is unusable."""
    url = raw.url.strip()
    canonical, problem = _checked_canonical(url)
    if canonical is None:
        return Rejection("invalid_url", f"{problem}: {url[:200]!r}")
    # The engine's normalisation also drops bidirectional controls (U+202A-U+202E,
    # U+2066-U+2069: "Trojan Source" reordering), in the same pass over the text.
    body = normalize_whitespace(strip_html(raw.body or raw.text or ""))
    title = normalize_whitespace(strip_html(raw.title))
    title = title.replace("\n", " ")
    if not body:
        return Rejection("empty_body", "the article has no body text (fields 'body' or 'text')")
    published = _in_utc(raw.published_at)
    if published is None:
        return Rejection(
            "invalid_timestamp",
            f"published_at {raw.published_at.isoformat()} is outside the range of dates "
            "once converted to UTC",
        )
    if published < limits.oldest_published:
        return Rejection(
            "invalid_timestamp",
            f"published_at {published.isoformat()} is before the oldest accepted date "
            f"{limits.oldest_published.isoformat()} (setting oldest_published_at)",
        )
    if published - now > limits.max_future_skew:
        return Rejection(
            "future_timestamp",
            f"published_at {published.isoformat()} is more than "
            f"{limits.max_future_skew} after now ({now.isoformat()})",
        )
    language = (raw.language or "").strip().lower()[:2] or (
        guess_language(body) or limits.default_language
    )
    return Article(
        article_id=raw.id.strip() if raw.id and raw.id.strip() else _id_of(canonical),
        url=url,
        title=title,
        body=body,
        published_at=published,
        ingested_at=ingested_at,
        source=raw.source or None,
        language=language,
        authors=[a.strip() for a in raw.authors if a.strip()],
        section=raw.section or None,
    )


def _in_utc(published: datetime) -> datetime | None:
    """``published`` in UTC (naive means UTC); None when that falls outside year 1..9999."""
    if published.tzinfo is None:
        return published.replace(tzinfo=UTC)
    try:
        return published.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+14:00, 9999-12-31T23:59:59-23:59
        return None


def article_id_for(url: str) -> str:
    """A stable id from the URL, so the same story re-sent by a producer keeps its id.

    The URL is normalised first: scheme and host lower-cased, default ports, fragments and
    tracking parameters dropped, query parameters sorted, trailing slash removed.
    """
    url = url.strip()
    canonical = _plain_canonical(url)
    if canonical is None:
        parts = urlsplit(url)
        canonical = _canonical(parts, parts.port)
    return _id_of(canonical)


def _checked_canonical(url: str) -> tuple[str | None, str]:
    """The canonical form of an acceptable article URL, or None and what is wrong with it.

    Acceptable: absolute http(s), a host name of valid labels or an IP address, no
    credentials, no port 0, no whitespace or control character anywhere.
    """
    if _has_unsafe_chars(url):
        return None, "url holds whitespace or control characters"
    match = _PLAIN_URL.fullmatch(url)
    if match is not None:
        if not _valid_host(match[1]):
            return None, _BAD_HOST
        plain = _plain_canonical_of(match)
        if plain is not None:
            return plain, ""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a non-numeric or out-of-range port
    except ValueError as exc:
        return None, f"url cannot be parsed ({exc})"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None, "url must be an absolute http(s) URL"
    if parts.username is not None or parts.password is not None:
        return None, "url must not carry credentials (user:password@)"
    if port == 0:
        return None, "url port 0 is not a port"
    if not _valid_host(parts.hostname or ""):
        return None, _BAD_HOST
    return _canonical(parts, port), ""


_BAD_HOST = "url host must be a domain name (letters, digits, inner hyphens) or an IP address"


def _valid_host(host: str) -> bool:
    # An IP address ends with a digit (IPv4) or holds a colon (IPv6); other hosts skip the
    # attempt (a raised ValueError per article costs more than the label check).
    if host[-1:].isdigit() or ":" in host:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return True
    labels = host.removesuffix(".").split(".")
    return all(_HOST_LABEL.fullmatch(label) for label in labels)


def _id_of(canonical_url: str) -> str:
    return "url-" + hashlib.sha256(canonical_url.encode()).hexdigest()[:24]


def _has_unsafe_chars(url: str) -> bool:
    """Whether ``_UNSAFE_URL_CHARS`` occurs in the URL.

    For ASCII the set is exactly the space and what ``str.isprintable`` refuses (C0 controls,
    DEL); those two C-level scans cost a tenth of the Unicode-aware regular expression.
    """
    if url.isascii():
        return not url.isprintable() or " " in url
    return _UNSAFE_URL_CHARS.search(url) is not None


def _plain_canonical(url: str) -> str | None:
    """``_canonical`` of a plain URL (see ``_PLAIN_URL``), None for any other URL."""
    match = _PLAIN_URL.fullmatch(url)
    return None if match is None else _plain_canonical_of(match)


def _plain_canonical_of(match: re.Match[str]) -> str | None:
    """``_plain_canonical`` of the URL ``_PLAIN_URL`` fully matched."""
    host = match[1].lower()
    if host.startswith("www."):
        host = host[4:]
    if not host:
        return None  # urlunsplit treats an empty host apart: leave it to the general path
    return f"https://{host}{(match[2] or '').rstrip('/') or '/'}"


def _canonical(parts: SplitResult, port: int | None) -> str:
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = ""
    if parts.query:  # most article URLs have none: skip the parse and re-encode
        query = urlencode(
            sorted(
                (k, v)
                for k, v in parse_qsl(parts.query)
                if not k.lower().startswith(_TRACKING_PARAMS)
            )
        )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", host, path, query, ""))


def _rejection(exc: ValidationError) -> Rejection:
    errors = exc.errors(include_url=False)
    first = errors[0]
    if first["type"] == "json_invalid":
        message = str(first.get("ctx", {}).get("error") or first["msg"])
        return Rejection("malformed_json", f"payload is not JSON: {message}")
    if first["type"] == "model_type" and not first["loc"]:
        # The document parsed but is not an object; the error carries the parsed value.
        found = type(first["input"]).__name__
        return Rejection("not_an_object", f"expected a JSON object, got {found}")
    return Rejection("schema_violation", _describe(exc))


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False)[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "(document)"
        problems.append(f"{where}: {error['msg']}")
    more = exc.error_count() - len(problems)
    return "; ".join(problems) + (f"; and {more} more" if more > 0 else "")
