"""Units of work: load, apply a domain rule, append events, commit, return them.

A service never emits: it returns the events it logged and the caller broadcasts
them after the commit, so a rolled-back write announces nothing.
"""
