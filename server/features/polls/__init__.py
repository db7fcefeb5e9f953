"""Live polls: prepare, open, vote, close; tallies and when each audience may see them."""
