"""Reads of the departure phase reused by pages and the API, one module per part."""
