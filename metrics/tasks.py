"""Metrics run no tasks yet; a summary table, if speed needs one, is refreshed here."""
