"""Regional series: one agenda and poll bank asked in several regions, and their comparison."""
