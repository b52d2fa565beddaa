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


def run_scenarios(description, scenarios, prefix_kind):
    """The command line of a client script: `--port` and `--password`, then
    each scenario in turn with a prefix of its own run
    (`<prefix_kind>:py:<random>:`); one line per scenario passed, and on the
    first failure what was expected and what came back. Returns the exit
    status."""
    import argparse
    import sys
    import uuid

    import redis

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, required=True, help="server port on 127.0.0.1")
    parser.add_argument("--password", default=None, help="the server's requirepass, if any")
    args = parser.parse_args()
    prefix = f"{prefix_kind}:py:{uuid.uuid4().hex[:8]}:"
    for name, scenario in scenarios:
        try:
            scenario(args, prefix)
        except Failed as e:
            print(f"FAILED redis-py {redis.__version__} {name}: {e}", file=sys.stderr)
            return 1
        except redis.RedisError as e:
            print(f"FAILED redis-py {redis.__version__} {name}: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
        print(f"ok redis-py {redis.__version__} {name}")
    return 0
