"""The questionnaire engine, anonymous surveys and insights (built in later issues)."""
