"""The one schema version shared by every record brinkwatch publishes.

Bump the minor part for backward-compatible additions (new optional fields, new enum values)
and the major part for anything a consumer could trip over (renamed, removed or retyped
fields).

History (every change to the contracts is listed here):

- 1.2: every output fits under the message size limit by construction.
  ``DeadLetter`` gains ``payload_sha256`` and ``payload_truncated`` (a payload too large to
  carry whole keeps its first bytes, its size and its hash) and the ``error_type`` values
  ``invalid_timestamp`` (published_at before ``oldest_published_at`` or outside the range of
  dates in UTC) and ``output_too_large`` (a record built from the input would exceed the
  limit). ``ActorTag.mentions_omitted`` counts mentions beyond the cap (200 per actor, 1,000
  per article); ``AlertCategory.evidence_omitted`` counts evidence beyond 20 per category.
  ``EscalationAlert.judgement`` (optional) explains the article-level judgement: the main
  event's rule, phrase and clause, the probabilities and the reasons in words.
  New contracts ``Incident`` (the incidents topic; its member lists are capped, with
  ``members_omitted`` counting the rest) and ``TrendSpike`` (the trend topic).
  Every 1.1 record is still valid (the new fields have defaults).

- 1.1: ``DeadLetter.error_type`` may be ``publish_failed``: the input was processed but the
  broker refused an output built from it (record too large for the output topic, topic
  deleted, not authorized). Every 1.0 record is still valid; a consumer that checks
  ``error_type`` against the closed 1.0 list must accept the new value.
- 1.0: first published contracts.
"""

from typing import Final

SCHEMA_VERSION: Final = "1.2"
