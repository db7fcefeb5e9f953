"""Socket.IO as a transport: connecting and catching up, the servers underneath, several
workers through Redis, draining on SIGTERM, the loop watch and the ticker.

A feature's own commands live in its folder (`server/features/<feature>/handlers.py`).
"""
