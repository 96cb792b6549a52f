"""Work the hub does later. Tasks take ids, never objects, and are idempotent; the
consultation issue adds its notifications here."""
