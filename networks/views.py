"""Pages of the networks app: parse, access, service, render."""
