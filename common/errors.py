"""Domain errors every app's services raise; they import nothing of the apps, so that the
shared helpers (common.locking, common.formerrors) can use them too."""


class InvalidTransition(Exception):
    """A move the request's state or the person's role does not allow. `field`: the
    argument the refusal is about, when it is about one (the API answers under it)."""

    field: str | None = None

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
