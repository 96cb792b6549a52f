"""Pages of the serviceplans app: parse, access, service, render."""
