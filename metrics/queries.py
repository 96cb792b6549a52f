"""The names that code outside metrics imports from here: the filters, Helsinki's time
zone and the distinct-client count. The queries live with their topics in
`metrics.topics`, the filters and what they select in `metrics.filters`."""

from metrics.filters import HELSINKI, Filters
from metrics.topics.participation import distinct_clients

__all__ = ["HELSINKI", "Filters", "distinct_clients"]
