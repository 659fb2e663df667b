"""The validate stage: every kind of bad input is rejected as data, good input is normalised."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.validation import Rejection, ValidationLimits, article_id_for, validate_article
from schemas import Article

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
LIMITS = ValidationLimits(
    max_bytes=10_000,
    max_future_skew=timedelta(hours=24),
    default_language="en",
    oldest_published=datetime(1990, 1, 1, tzinfo=UTC),
)


def raw(**fields: object) -> bytes:
    article: dict[str, object] = {
        "url": "https://news.example.org/world/story-1",
        "title": "Talks resume in Geneva",
        "body": "Delegations from both sides met on Monday and agreed to meet again next week.",
        "published_at": "2026-11-27T09:30:00+02:00",
    }
    article.update(fields)
    return json.dumps({k: v for k, v in article.items() if v is not None}).encode()


def check(payload: bytes) -> Article | Rejection:
    return validate_article(payload, LIMITS, NOW)


def test_valid_article_is_normalised() -> None:
    result = check(
        raw(
            title="  Talks   resume\n in Geneva ",
            body="<p>First &amp; second.</p><script>evil()</script><p>Third.</p>",
        )
    )
    assert isinstance(result, Article)
    assert result.title == "Talks resume in Geneva"
    assert result.body == "First & second.\n\nThird."
    assert result.published_at == datetime(2026, 11, 27, 7, 30, tzinfo=UTC)
    assert result.published_at.tzinfo is UTC
    assert result.ingested_at == NOW
    assert result.language == "en"
    assert result.article_id == article_id_for("https://news.example.org/world/story-1")


@pytest.mark.parametrize(
    ("payload", "error_type"),
    [
        (b"x" * 10_001, "too_large"),
        (b'{"title": "caf\xe9"}', "invalid_utf8"),
        (b'{"url": "https://a.example/", "title": ', "malformed_json"),
        (b'["not", "an", "object"]', "not_an_object"),
        (raw(url=None), "schema_violation"),
        (raw(title=None), "schema_violation"),
        (raw(published_at=None), "schema_violation"),
        (raw(published_at="yesterday-ish"), "schema_violation"),
        (raw(title=["a", "list"]), "schema_violation"),
        (raw(body=None), "empty_body"),
        (raw(body="   <p> </p> "), "empty_body"),
        (raw(url="ftp://files.example.org/a"), "invalid_url"),
        (raw(url="/relative/path"), "invalid_url"),
        (raw(url="http://[::1/broken-ipv6"), "invalid_url"),
        (raw(url="https://news.example.org:99999/a"), "invalid_url"),
        (raw(url="https://news.example.org:port/a"), "invalid_url"),
        (raw(url="https://news example.org/a"), "invalid_url"),
        (raw(url="https://-/"), "invalid_url"),
        (raw(url="https://-news.example.org/a"), "invalid_url"),
        (raw(url="https://news..example.org/a"), "invalid_url"),
        (raw(url="https://news.example.org/a\u0000b"), "invalid_url"),
        (raw(url="https://news.example.org/a\nb"), "invalid_url"),
        (raw(url="https://news.example.org/a b?q=1"), "invalid_url"),
        (raw(url="https://news.example.org:0/a"), "invalid_url"),
        (raw(url="https://user:pass@news.example.org/a"), "invalid_url"),
        (raw(url="https://user@news.example.org/a"), "invalid_url"),
        (raw(url="https:///a"), "invalid_url"),
        (raw(published_at="2026-11-30T00:00:00Z"), "future_timestamp"),
        # Valid ISO dates that leave the range of dates once converted to UTC.
        (raw(published_at="0001-01-01T00:00:00+14:00"), "invalid_timestamp"),
        (raw(published_at="9999-12-31T23:59:59-23:59"), "invalid_timestamp"),
        # Epoch and placeholder dates are not news.
        (raw(published_at="1938-05-01T00:00:00Z"), "invalid_timestamp"),
        (raw(published_at=-1_000_000_000), "invalid_timestamp"),
        (raw(published_at="1989-12-31T23:59:59Z"), "invalid_timestamp"),
    ],
)
def test_bad_input_is_rejected_with_a_reason(payload: bytes, error_type: str) -> None:
    result = check(payload)
    assert isinstance(result, Rejection)
    assert result.error_type == error_type
    assert len(result.reason) > 10


def test_dates_out_of_range_say_why() -> None:
    early = check(raw(published_at="1938-05-01T00:00:00Z"))
    assert isinstance(early, Rejection)
    assert "before the oldest accepted date 1990-01-01" in early.reason
    assert "oldest_published_at" in early.reason
    overflow = check(raw(published_at="0001-01-01T00:00:00+14:00"))
    assert isinstance(overflow, Rejection)
    assert "0001-01-01T00:00:00+14:00" in overflow.reason
    assert isinstance(check(raw(published_at="1990-01-01T00:00:00Z")), Article)


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.org/world/story-1?utm_source=x#top",
        "http://www.example.com:8080/a/b/",
        "https://192.0.2.7/story",
        "https://[2001:db8::1]:8443/story",
        "https://nachrichten.bücher.example/artikel",
        "https://example.org.",
    ],
)
def test_ordinary_urls_are_still_accepted(url: str) -> None:
    assert isinstance(check(raw(url=url)), Article)


def test_credentials_and_bad_hosts_say_why() -> None:
    creds = check(raw(url="https://user:pass@news.example.org/a"))
    assert isinstance(creds, Rejection) and "credentials" in creds.reason
    host = check(raw(url="https://-/"))
    assert isinstance(host, Rejection) and "host" in host.reason


def test_bidirectional_controls_are_removed_from_title_and_body() -> None:
    # U+202E (right-to-left override) would show "evil.exe" reversed; isolates likewise.
    title = "Quarterly report \u202egpj.exe\u202c and \u2067isolated\u2069 text"
    result = check(raw(title=title, body="Body \u202aembedded\u202c \u2066text\u2069 here."))
    assert isinstance(result, Article)
    assert result.title == "Quarterly report gpj.exe and isolated text"
    assert result.body == "Body embedded text here."
    # Marks that only set the direction of neutral characters stay (Arabic and Hebrew use them).
    marked = check(raw(title="\u05e9\u05dc\u05d5\u05dd\u200f 2026"))
    assert isinstance(marked, Article) and "\u200f" in marked.title


def test_schema_violation_names_the_fields() -> None:
    result = check(raw(url=None, published_at=None))
    assert isinstance(result, Rejection)
    assert "url" in result.reason and "published_at" in result.reason


def test_alternative_field_names_and_epoch_time() -> None:
    result = check(
        json.dumps(
            {
                "url": "https://a.example/x",
                "title": "T",
                "text": "Body text.",
                "date": 1_764_000_000,
            }
        ).encode()
    )
    assert isinstance(result, Article)
    assert result.body == "Body text."
    assert result.published_at == datetime.fromtimestamp(1_764_000_000, tz=UTC)


def test_naive_time_is_taken_as_utc() -> None:
    result = check(raw(published_at="2026-11-27T09:30:00"))
    assert isinstance(result, Article)
    assert result.published_at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def test_producer_id_wins_over_url_id() -> None:
    result = check(raw(id="  wire-123 "))
    assert isinstance(result, Article)
    assert result.article_id == "wire-123"


def test_url_id_ignores_tracking_and_cosmetic_differences() -> None:
    base = article_id_for("https://news.example.org/world/story-1")
    assert article_id_for("HTTPS://www.News.Example.org/world/story-1/?utm_source=x#top") == base
    assert article_id_for("https://news.example.org/world/story-2") != base


def test_language_is_detected_or_defaulted() -> None:
    french = check(
        raw(
            body="Le gouvernement a annoncé que les négociations avec les syndicats "
            "reprendront dans une semaine pour la réforme."
        )
    )
    assert isinstance(french, Article) and french.language == "fr"
    given = check(raw(language="DE"))
    assert isinstance(given, Article) and given.language == "de"
    unclear = check(raw(body="Xyzzy 42."))
    assert isinstance(unclear, Article) and unclear.language == "en"


def test_json_errors_say_where_and_what() -> None:
    truncated = check(b'{"url": "https://a.example/", "title": ')
    assert isinstance(truncated, Rejection)
    assert truncated.reason.startswith("payload is not JSON") and "column" in truncated.reason
    number = check(b"42")
    assert isinstance(number, Rejection) and number.reason.endswith("got int")


def test_lone_surrogate_escape_is_malformed_json() -> None:
    # A lone surrogate cannot be encoded as UTF-8, so no later stage could publish the text.
    result = check(raw(title="\\ud800").replace(b"\\\\ud800", b"\\ud800"))
    assert isinstance(result, Rejection) and result.error_type == "malformed_json"


def test_language_guess_sees_through_typographic_punctuation() -> None:
    body = "“The talks,” she said, “were held in the capital — and that is it.”"
    result = check(raw(body=body, language=None))
    assert isinstance(result, Article) and result.language == "en"
