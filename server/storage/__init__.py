"""Persistence: typed models, the engine and transactions, migrations."""
