"""The soak (`make soak`, `python -m bench.soak`): a whole consultation, window by window.

`script.py` writes the consultation (pure), `run.py` plays it against a server
seated by the load benchmark's own parts (bench/coordinator.py, bench/steps.py,
bench/node/worker.js) and reads the server at each window's edge, `report.py`
judges the targets and writes the table. docs/performance.md, "Soak".
"""
