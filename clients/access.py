"""Who sees what in the clients app: `<model>s_visible_to(user)` and `access_<model>(user, id)`
raising 404 for missing and forbidden alike. Views and the API call these; never filter by
hand."""
