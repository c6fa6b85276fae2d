"""Writes of the departure phase, one module per part: `documents` (travel documents and
laissez-passer requests), `funding` (agreements, amendments, reservations, the waiting list),
`movements` (movements, tickets, exit authorisations, departure day)."""
