"""What every app shares and no app owns: errors, form helpers, role checks, workdays,
rate limits, middleware, the CSV writer and the municipality codes.

Nothing here has a model or imports an app; the apps import it (STYLE.md, "Layers").
"""
