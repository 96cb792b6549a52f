"""Models of the serviceplans app; the issue that builds this part of the service fills them."""
