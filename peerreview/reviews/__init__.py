"""Peer review rounds: pairing, scheduling, visit records and reports."""
