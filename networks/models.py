"""Models of the networks app; the issue that builds this part of the service fills them."""
