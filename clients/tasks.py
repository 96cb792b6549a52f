"""Work the clients app does later: Celery tasks that take ids and are idempotent."""
