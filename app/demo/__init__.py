"""The demo feed bundled for ``brinkwatch run``: articles written for brinkwatch, not copied."""
