"""Pages of the clients app: parse, access, service, render."""
