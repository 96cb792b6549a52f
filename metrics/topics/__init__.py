"""The dashboard by topic. Each module holds a topic's aggregate queries (a small fixed
number, so that the query count is the same at a thousand rows and at a million), a
`count` that runs them, and the key figures and tables built from their numbers after
small counts are hidden; `metrics.summary.build_summary` only composes them.

- `consultations`: requests received and answered, response times, contact sources,
  reasons and what was asked;
- `networks`: client networks formed, active and closed, and why they closed;
- `participation`: the clients served and the professionals' feedback;
- `monthly`: the month-by-month trend of the consultations and networks;
- `plans`: the service plans' actions by service type;
- `ips`: the "IPS job coaching and health checks" panel, with `healthchecks` for the
  health checks of the unemployed;
- `voice`: the clients' own feedback through one-time links and their self-assessed
  work ability.
"""
