"""Pages of the coaching app, one module per topic: parse, access, service, render. Every
page that shows a client's data writes the access log (clients.audit)."""
