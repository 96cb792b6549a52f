"""Metrics write nothing; the aggregate queries live in `metrics.queries`."""
