"""Work the serviceplans app does later: Celery tasks that take ids and are idempotent."""
