"""Models of the clients app; the issue that builds this part of the service fills them."""
