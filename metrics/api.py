"""The metrics API (`/api/v1/metrics/summary/`) arrives with the dashboard."""
