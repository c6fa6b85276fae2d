"""Departure forms, one module per part."""
