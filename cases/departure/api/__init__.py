"""Departure API (/api/v1/departure/...), one module per part."""
