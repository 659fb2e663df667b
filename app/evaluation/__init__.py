"""Offline evaluation of the domain stages against labelled data."""
