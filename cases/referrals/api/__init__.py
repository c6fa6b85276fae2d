"""The referral API, under /api/v1/referrals/: partner NGOs' own tools submit and follow
their referrals; IOM offices triage those sent to them.

Views stay thin, as in `cases.api`: they parse with a serializer, call a service of
`cases.referrals.services` and serialize the result. Every referral is read through
`cases.access`, so one out of the user's reach is answered 404 like one that does not
exist. Service errors are mapped onto HTTP: PermissionDenied → 403, ValidationError → 400,
IdempotencyConflict → 422.

What a partner NGO sees of a referral is what it submitted and the status it may know
(`Referral.status_for_organisation`): never the case IOM opened from it. Attachments are
not accepted through the API (JSON only).
"""
