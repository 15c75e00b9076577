"""The built-in local provider: runs monitors in-process, keeps history in SQLite, alerts."""
