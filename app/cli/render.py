"""How alerts look in a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from schemas import EscalationAlert

_LEVEL_STYLE = {
    "low": "dim",
    "medium": "yellow",
    "high": "bold red",
    "critical": "bold white on red",
}


def print_alert(console: Console, alert: EscalationAlert) -> None:
    """One alert: severity, dyad, categories, title, and its strongest evidence."""
    line = Text()
    line.append(f"{alert.severity_level.upper():8}", style=_LEVEL_STYLE[alert.severity_level])
    line.append(f" {alert.severity:4.1f}  ")
    if alert.dyad:
        line.append(f"{alert.dyad.source} -> {alert.dyad.target or '?'}  ", style="cyan")
    elif alert.actors:
        line.append(f"{','.join(alert.actors[:3])}  ", style="cyan")
    line.append(", ".join(c.category for c in alert.categories), style="magenta")
    line.append(f"  {alert.title}")
    console.print(line)
    for category in alert.categories[:3]:
        if category.evidence:
            evidence = category.evidence[0]
            console.print(
                f"          [dim]{category.category}:[/dim] “{evidence.phrase}” — "
                f"[dim]{evidence.sentence[:160]}[/dim]",
                highlight=False,
            )
