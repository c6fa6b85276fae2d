"""Departure pages, one module per part: documents, funding, movements."""
