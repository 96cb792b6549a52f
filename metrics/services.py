"""Metrics write nothing; the aggregate queries live with their topics in `metrics.topics`."""
