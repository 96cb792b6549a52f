"""What happens in the serviceplans app: every write is a verb–noun service function here."""
