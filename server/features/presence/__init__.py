"""Who is here: live connections, peaks, and attendance replayed from the log."""
