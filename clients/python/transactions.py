#!/usr/bin/env python3
"""redis-py's transactions and scripts, run against sharedkv (or any Redis).

What applications build on MULTI/EXEC, WATCH and EVAL, on redis-py's
default settings: `pipeline()` (a MULTI/EXEC transaction by default), an
error inside one (no rollback, the error in its slot), `transaction()`
with WATCH from several threads at once (an optimistic counter that must
count exactly), `Lock` (acquire, contention, extend, release: its release
and extend are Lua scripts run by EVALSHA), and `register_script`.

Every key lives under a prefix of its own run (`tx:py:<random>:`), and
each scenario deletes what it wrote.

    python3 clients/python/transactions.py --port 6379 [--password secret]

Prints one line per scenario passed; on the first failure prints what was
expected and what came back, and exits 1.
"""

import sys
import threading

import redis
import redis.exceptions

from checks import Failed, check, check_that, run_scenarios


def connect(args):
    return redis.Redis(host="127.0.0.1", port=args.port, password=args.password, decode_responses=True)


def pipeline(args, prefix):
    """`pipeline()` wraps its commands in MULTI/EXEC: one reply per command."""
    r = connect(args)
    k = f"{prefix}counter"
    p = r.pipeline()
    p.set(k, 1).incr(k).incrby(k, 5).get(k)
    check("pipeline()", p.execute(), [True, 2, 7, "7"])
    # An error while executing rolls nothing back: it comes in its slot.
    r.rpush(f"{prefix}list", "x")
    p = r.pipeline()
    p.set(k, 10).incr(f"{prefix}list").incr(k)
    replies = p.execute(raise_on_error=False)
    check("the first reply", replies[0], True)
    check_that("the error in its slot", isinstance(replies[1], redis.exceptions.ResponseError), replies)
    check("the third reply", replies[2], 11)
    check("DEL", r.delete(k, f"{prefix}list"), 2)
    r.close()


def optimistic_counter(args, prefix):
    """`transaction()` with WATCH from 4 threads, 50 increments each: exactly 200."""
    k = f"{prefix}watched"
    errors = []

    def worker():
        r = connect(args)

        def increment(pipe):
            value = int(pipe.get(k) or 0)
            pipe.multi()
            pipe.set(k, value + 1)

        try:
            for _ in range(50):
                r.transaction(increment, k)
        except Exception as e:  # reported below, in the main thread
            errors.append(e)
        r.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check("errors", errors, [])
    r = connect(args)
    check("the counter", r.get(k), "200")
    check("DEL", r.delete(k), 1)
    r.close()


def lock(args, prefix):
    """`Lock`: one holder at a time; extend and release are Lua scripts."""
    r = connect(args)
    name = f"{prefix}lock"
    first = r.lock(name, timeout=10)
    check("acquire", first.acquire(blocking=False), True)
    second = r.lock(name, timeout=10)
    check("a second holder", second.acquire(blocking=False), False)
    check("locked", first.locked(), True)
    check("owned", first.owned(), True)
    check("extend", first.extend(5), True)
    ttl = r.pttl(name)
    check_that("extended to ~15 s", 10_000 < ttl <= 15_000, ttl)
    check("reacquire", first.reacquire(), True)
    first.release()
    check("released", r.exists(name), 0)
    try:
        first.release()
        raise Failed("releasing a lock not held succeeded")
    except redis.exceptions.LockError:
        pass
    check("the second holder now", second.acquire(blocking=False), True)
    second.release()
    r.close()


def scripts(args, prefix):
    """`register_script` (EVALSHA, EVAL on NOSCRIPT), SCRIPT EXISTS, replies of every type."""
    r = connect(args)
    k = f"{prefix}scripted"
    incr = r.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
    check("the script", incr(keys=[k], args=[5]), 5)
    check("again, by sha", incr(keys=[k], args=[2]), 7)
    check("SCRIPT EXISTS", r.script_exists(incr.sha), [True])
    shapes = r.eval("return {1, 'two', {3}, redis.status_reply('OK'), false}", 0)
    check("reply shapes", shapes, [1, "two", [3], "OK", None])
    try:
        r.eval("return redis.error_reply('MY failure')", 0)
        raise Failed("an error reply was not raised")
    except redis.exceptions.ResponseError as e:
        check("error reply", str(e), "MY failure")
    check("DEL", r.delete(k), 1)
    r.close()


SCENARIOS = [
    ("pipeline() transaction", pipeline),
    ("transaction() with WATCH", optimistic_counter),
    ("Lock", lock),
    ("register_script", scripts),
]


def main():
    return run_scenarios(__doc__.splitlines()[0], SCENARIOS, "tx")


if __name__ == "__main__":
    sys.exit(main())
