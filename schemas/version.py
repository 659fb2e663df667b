"""The one schema version shared by every record brinkwatch publishes.

Bump the minor part for backward-compatible additions (new optional fields, new enum values)
and the major part for anything a consumer could trip over (renamed, removed or retyped
fields).

History (every change to the contracts is listed here):

- 1.2: new contracts ``Incident`` (the incidents topic) and ``TrendSpike`` (the trend topic).
  The existing contracts are unchanged.
- 1.1: ``DeadLetter.error_type`` may be ``publish_failed``: the input was processed but the
  broker refused an output built from it (record too large for the output topic, topic
  deleted, not authorized). Every 1.0 record is still valid; a consumer that checks
  ``error_type`` against the closed 1.0 list must accept the new value.
- 1.0: first published contracts.
"""

from typing import Final

SCHEMA_VERSION: Final = "1.2"
