"""The cases REST API, under /api/v1/: cases, their people and the assistance given.

Views stay thin: they parse with a serializer, call a service of `cases.services` and
serialize the result. Every object is read through `cases.access`, so one the user may not
see is answered 404 like one that does not exist. Service errors are mapped onto HTTP:
PermissionDenied → 403, ValidationError → 400 with its messages, EditConflict → 409 with
the record as it now is.

Sensitive notes and attachments are not exposed by the API.
"""
