"""One way to write a date, and a date with its time, per language (FORMAT_MODULE_PATH).

Django's own formats differ from one named format to the next and between languages
(11/30/2026 in English; in Arabic, right-to-left marks between the parts, which make a
right-to-left page show 2026/11/30), so each language here gives every named format the
same order, in Western digits. Formats not set here (input formats, separators) stay
Django's.
"""
