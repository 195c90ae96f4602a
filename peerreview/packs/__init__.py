"""Feedback packs: one PDF per school and period that brings the peer review, the pupil voice and
the surveys together (rendered with WeasyPrint), made by background jobs and stored for download."""
