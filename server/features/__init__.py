"""One folder per feature: its rules, tables, commands, Socket.IO handlers and report parts."""
