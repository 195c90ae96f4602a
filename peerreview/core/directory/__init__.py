"""The partnership directory: partnerships, schools and clusters."""
