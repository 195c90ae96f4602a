"""Insight from free text: redaction now (``redaction.redact``); sentiment, themes and
summaries join this package later. Everything here works on plain strings and imports only
the core and ``surveys.models``, so peer review and pupil visits can use it too."""
