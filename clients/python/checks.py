"""The checks every client script asserts its replies with: a failed one
raises `Failed`, which the script reports with what was expected and what
came back."""


class Failed(Exception):
    """A reply that was not the one expected."""


def check(what, got, want):
    """Fails unless `got == want`."""
    if got != want:
        raise Failed(f"{what}: expected {want!r}, got {got!r}")


def check_that(what, ok, got):
    """Fails unless `ok`; `got` is shown on failure."""
    if not ok:
        raise Failed(f"{what}: got {got!r}")
