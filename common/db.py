"""Database expressions that any app's models may use in constraints."""

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func
from django.db.models.sql.compiler import SQLCompiler


class LocalToday(Func):
    """Today's date in Helsinki, as the database sees it: the bound of "not in the
    future" in CheckConstraints (a UTC date would refuse today's date for the first two
    or three hours of the Finnish day)."""

    template = "((STATEMENT_TIMESTAMP() AT TIME ZONE 'Europe/Helsinki')::date)"
    arity = 0
    output_field = models.DateField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        # SQLite refuses `date('now')` in a CHECK constraint ("non-deterministic"), so the
        # embedded development database has no upper bound here; the services refuse
        # future dates on every database, and PostgreSQL enforces it too.
        return "'9999-12-31'", []
