"""The one schema version shared by every record brinkwatch publishes.

Bump the minor part for backward-compatible additions (new optional fields) and the major part
for anything a consumer could trip over (renamed, removed or retyped fields).
"""

from typing import Final

SCHEMA_VERSION: Final = "1.0"
