"""Consultations and their people: creating, joining, profiles and the staff's secret links."""
