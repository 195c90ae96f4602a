"""The core: partnership directory, accounts, permissions, i18n and shared helpers."""
