"""What happens in the networks app: every write is a verb–noun service function here."""
