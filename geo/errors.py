"""Domain errors. The core raises these; the CLI and the pages turn them into clear messages."""


class GeoError(Exception):
    """Base class for every error the `geo` package raises on purpose."""


class InvalidInput(GeoError, ValueError):
    """A value from a user (CLI argument, share link) that cannot be used; the message says what is accepted."""


class DataFileError(GeoError):
    """A committed data file is missing or malformed; the message names the file and the problem."""

    def __init__(self, path, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class SourceChanged(GeoError):
    """A build source no longer looks as the build expects (a new version, a renamed field)."""
