"""What happens in the clients app: every write is a verb–noun service function here."""
