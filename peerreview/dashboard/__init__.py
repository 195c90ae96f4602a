"""The landing pages and, later, the partnership dashboard."""
