"""Every setting with its environment variable and default, for ``.env.example`` and the README.

``python -m app.settings_reference`` prints the README table; ``--env`` prints ``.env.example``.
A test keeps both files in step with ``Settings``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from app.settings import Settings


@dataclass(frozen=True)
class SettingDoc:
    """One environment variable."""

    env: str
    default: str
    description: str


def setting_docs() -> list[SettingDoc]:
    """All settings, nested groups flattened with ``__``."""
    return list(_walk(Settings, "BRINKWATCH_", Settings.model_construct()))


def _walk(model: type[BaseModel], prefix: str, instance: BaseModel) -> list[SettingDoc]:
    docs: list[SettingDoc] = []
    for name, field in model.model_fields.items():
        value = getattr(instance, name)
        env = f"{prefix}{name.upper()}"
        if isinstance(value, BaseModel):
            docs.extend(_walk(type(value), f"{env}__", value))
            continue
        default = "" if value is None else str(value)
        if isinstance(value, Path) and value.is_absolute() and str(Path.home()) in str(value):
            default = str(value).replace(str(Path.home()), "~")
        docs.append(SettingDoc(env, default, (field.description or "").replace("\n", " ")))
    return docs


def env_example() -> str:
    """The text of ``.env.example``."""
    lines = ["# Every brinkwatch setting with its default. Copy to .env and edit what you need."]
    lines.append("")
    for doc in setting_docs():
        if doc.description:
            lines.append(f"# {doc.description}")
        lines.append(f"# {doc.env}={doc.default}")
    return "\n".join(lines) + "\n"


def markdown_table() -> str:
    """The README's configuration table."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    rows += [f"| `{d.env}` | `{d.default}` | {d.description} |" for d in setting_docs()]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(env_example() if "--env" in sys.argv else markdown_table())
