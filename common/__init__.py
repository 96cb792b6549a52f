"""What every app shares and no app owns: errors, form helpers and widgets, role checks,
the bounds of typed dates, workdays, rate limits, middleware, the CSV writer, the
municipality codes and database expressions for constraints.

Nothing here has a model or imports an app; the apps import it (STYLE.md, "Layers").
"""
