"""Domain errors every app's services raise; they import nothing of the apps, so that the
shared helpers (common.locking, common.formerrors) can use them too."""


class InvalidTransition(Exception):
    """A move the request's state or the person's role does not allow."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
