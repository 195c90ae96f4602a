"""People, their roles, signing in and setting passwords."""
