"""What every feature shares: the store and transactions, the event log, who is acting,
the command registry, the one emitter and its pacer, the clock. What the server keeps
between commands (the pacer's rooms, the dirty tallies) belongs to one application's
`runtime.Core`, made by `create_app`, not to a module.

Nothing here imports a feature, Flask's request, or a page: features build on the core,
never the other way round (tests/test_layout.py checks it).
"""
