"""Feedback packs: one PDF per school and period that brings the peer review, the pupil voice
and the surveys together (``content`` gathers, ``render`` lays out, ``cli`` the commands)."""
