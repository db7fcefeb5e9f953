"""The speakers' queue: raised hands, the floor in a fair order, a clock on each intervention."""
