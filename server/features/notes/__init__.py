"""Rapporteurs' notes: one per agenda item and a general one, saved as they type."""
