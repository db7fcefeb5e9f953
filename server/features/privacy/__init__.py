"""Trust: the privacy notice accepted at join, and what Baraza holds about each person."""
