"""The one schema version shared by every record brinkwatch publishes.

Bump the minor part for backward-compatible additions (new optional fields, new enum values)
and the major part for anything a consumer could trip over (renamed, removed or retyped
fields).

History (every change to the contracts is listed here):

- 1.4: ``EscalationAlert`` gains ``lead`` (optional: the first words of the body, at most 400
  characters) and ``headline_actors`` (default empty: the countries named in the headline, in
  order), which the incident grouping compares and keys by. Every 1.3 record is still valid.

- 1.3: ``Incident`` lists at most ``incidents.members_kept`` members (the first and the most
  recent; ``article_ids``, ``alert_ids`` and ``members`` alike) and gains
  ``members_omitted``, the members counted in ``article_count`` but not listed. A 1.2 consumer
  that read the lists as complete must use ``article_count`` for the size of an incident.
  Every 1.2 record is still valid.

- 1.2: every output fits under the message size limit by construction.
  ``DeadLetter`` gains ``payload_sha256`` and ``payload_truncated`` (a payload too large to
  carry whole keeps its first bytes, its size and its hash) and the ``error_type`` values
  ``invalid_timestamp`` (published_at before ``oldest_published_at`` or outside the range of
  dates in UTC) and ``output_too_large`` (a record built from the input would exceed the
  limit). ``ActorTag.mentions_omitted`` counts mentions beyond the cap (200 per actor, 1,000
  per article); ``AlertCategory.evidence_omitted`` counts evidence beyond 20 per category.
  ``EscalationAlert.judgement`` (optional) explains the article-level judgement: the main
  event's rule, phrase and clause, the probabilities and the reasons in words.
  New contracts ``Incident`` (the incidents topic) and ``TrendSpike`` (the trend topic).
  Every 1.1 record is still valid (the new fields have defaults).

- 1.1: ``DeadLetter.error_type`` may be ``publish_failed``: the input was processed but the
  broker refused an output built from it (record too large for the output topic, topic
  deleted, not authorized). Every 1.0 record is still valid; a consumer that checks
  ``error_type`` against the closed 1.0 list must accept the new value.
- 1.0: first published contracts.
"""

from typing import Final

SCHEMA_VERSION: Final = "1.4"
