"""The ``brinkwatch`` console script."""
