"""The agenda: items in order, which one runs, the clock every screen shows, overruns."""
