"""Metrics write nothing; the aggregate queries live in the metrics issue's queries module."""
