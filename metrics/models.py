"""Metrics read the other apps' tables; models appear here only where speed needs a
summary table, with the reason written beside it."""
