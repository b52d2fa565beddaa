#!/usr/bin/env python3
"""What every redis-py application does with its server, run against sharedkv (or any Redis).

The scenarios a server must pass before any app can use it, on redis-py's
default settings (RESP3, `HELLO 3`): connecting with a name and a password,
cache commands, a pipeline without a transaction, pub/sub with channels and
patterns, a 10 MB value, walking the keyspace with SCAN, a second database,
and reading INFO. Each asserts every reply exactly.

Every key lives under a prefix of its own run (`server:py:<random>:`), and
each scenario deletes what it wrote.

    python3 clients/python/server.py --port 6379 [--password secret]

Prints one line per scenario passed; on the first failure prints what was
expected and what came back, and exits 1.
"""

import sys
import time

import redis

from checks import Failed, check, check_that, run_scenarios


def connect(args, **options):
    return redis.Redis(
        host="127.0.0.1",
        port=args.port,
        password=args.password,
        decode_responses=True,
        **options,
    )


def connection(args, prefix):
    """A named, authenticated connection: the name is the server's."""
    r = connect(args, client_name=f"{prefix}worker")
    check("PING", r.ping(), True)
    check("CLIENT GETNAME", r.client_getname(), f"{prefix}worker")
    me = r.client_info()
    check("CLIENT INFO name", me["name"], f"{prefix}worker")
    check_that("CLIENT ID", r.client_id() == int(me["id"]), me)
    check_that("CLIENT LIST holds us", any(c["name"] == f"{prefix}worker" for c in r.client_list()), me)
    if args.password:
        bad = redis.Redis(host="127.0.0.1", port=args.port, password="wrong", decode_responses=True)
        try:
            bad.ping()
            raise Failed("a wrong password was accepted")
        except redis.AuthenticationError:
            pass
    r.close()


def cache(args, prefix):
    """A read-through cache: values with a time to live, counters, batches."""
    r = connect(args)
    page = f"{prefix}page:/home"
    check("SET EX", r.set(page, "<html>home</html>", ex=60), True)
    check("GET", r.get(page), "<html>home</html>")
    check_that("TTL", 0 < r.ttl(page) <= 60, r.ttl(page))
    check("SET NX on a cached key", r.set(page, "other", nx=True), None)
    check("GET of a miss", r.get(f"{prefix}page:/missing"), None)
    hits = f"{prefix}hits"
    check("INCR", r.incr(hits), 1)
    check("INCRBY", r.incrby(hits, 9), 10)
    keys = {f"{prefix}user:{i}": f"name-{i}" for i in range(5)}
    check("MSET", r.mset(keys), True)
    check("MGET", r.mget(list(keys) + [f"{prefix}user:none"]), list(keys.values()) + [None])
    check("EXPIRE", r.expire(hits, 30), True)
    check("PERSIST", r.persist(hits), True)
    check("TTL after PERSIST", r.ttl(hits), -1)
    check("EXISTS", r.exists(page, hits, f"{prefix}none"), 2)
    check("DEL", r.delete(page, hits, *keys), 7)
    r.close()


def pipeline(args, prefix):
    """A pipeline without MULTI/EXEC: many commands, one round trip."""
    r = connect(args)
    pipe = r.pipeline(transaction=False)
    for i in range(100):
        pipe.set(f"{prefix}p:{i}", i)
    for i in range(100):
        pipe.incr(f"{prefix}p:{i}")
    pipe.get(f"{prefix}p:99")
    results = pipe.execute()
    check("pipeline replies", results, [True] * 100 + list(range(1, 101)) + ["100"])
    check("DEL", r.delete(*[f"{prefix}p:{i}" for i in range(100)]), 100)
    r.close()


def next_message(p, what):
    """The next pub/sub message within 5 s, confirmations skipped."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        message = p.get_message(ignore_subscribe_messages=True, timeout=0.5)
        if message is not None:
            return message
    raise Failed(f"{what}: no message within 5 s")


def pubsub(args, prefix):
    """Notifications: a channel and a pattern, on one subscriber."""
    r = connect(args)
    p = r.pubsub()
    p.subscribe(f"{prefix}orders")
    p.psubscribe(f"{prefix}news.*")
    # Both confirmations, in order.
    confirmations = [next_confirmation(p) for _ in range(2)]
    check("confirmations", [c["type"] for c in confirmations], ["subscribe", "psubscribe"])
    check("PUBSUB NUMSUB", r.pubsub_numsub(f"{prefix}orders"), [(f"{prefix}orders", 1)])
    check_that("PUBSUB NUMPAT", r.pubsub_numpat() >= 1, r.pubsub_numpat())
    check("PUBLISH to a channel", r.publish(f"{prefix}orders", "order 1"), 1)
    message = next_message(p, "channel message")
    check("message", (message["type"], message["channel"], message["data"]), ("message", f"{prefix}orders", "order 1"))
    check("PUBLISH to a pattern", r.publish(f"{prefix}news.sport", "goal"), 1)
    message = next_message(p, "pattern message")
    check(
        "pmessage",
        (message["type"], message["pattern"], message["channel"], message["data"]),
        ("pmessage", f"{prefix}news.*", f"{prefix}news.sport", "goal"),
    )
    check("PUBLISH to nobody", r.publish(f"{prefix}elsewhere", "x"), 0)
    p.unsubscribe()
    p.punsubscribe()
    p.close()
    r.close()


def next_confirmation(p):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        message = p.get_message(timeout=0.5)
        if message is not None:
            return message
    raise Failed("no subscription confirmation within 5 s")


def big_value(args, prefix):
    """A 10 MB value, written and read back whole."""
    r = redis.Redis(host="127.0.0.1", port=args.port, password=args.password)
    key = f"{prefix}blob"
    value = bytes(range(256)) * (10 * 1024 * 1024 // 256)
    check("SET 10 MB", r.set(key, value), True)
    check("STRLEN", r.strlen(key), len(value))
    check_that("GET 10 MB", r.get(key) == value, "a different value")
    check("GETRANGE", r.getrange(key, 256, 259), bytes([0, 1, 2, 3]))
    check("DEL", r.delete(key), 1)
    r.close()


def scan(args, prefix):
    """Walking the keyspace with SCAN, as tools and migrations do."""
    r = connect(args)
    names = {f"{prefix}scan:{i}" for i in range(500)}
    pipe = r.pipeline(transaction=False)
    for name in names:
        pipe.set(name, "x")
    pipe.execute()
    found = set(r.scan_iter(match=f"{prefix}scan:*", count=50))
    check("SCAN MATCH", found, names)
    typed = set(r.scan_iter(match=f"{prefix}scan:1*", _type="string"))
    check("SCAN TYPE", typed, {n for n in names if n.startswith(f"{prefix}scan:1")})
    check("DEL", r.delete(*names), 500)
    r.close()


def databases(args, prefix):
    """A second database: `db=1` selects it for every connection."""
    zero = connect(args)
    one = connect(args, db=1)
    key = f"{prefix}db"
    check("SET in db 1", one.set(key, "one"), True)
    check("GET in db 0", zero.get(key), None)
    check("GET in db 1", one.get(key), "one")
    check("MOVE to db 0", one.move(key, 0), True)
    check("GET in db 0 after MOVE", zero.get(key), "one")
    check("DEL", zero.delete(key), 1)
    zero.close()
    one.close()


def info(args, prefix):
    """INFO, parsed by the client, as dashboards and health checks read it."""
    r = connect(args)
    r.set(f"{prefix}info", "x")
    r.get(f"{prefix}info")
    everything = r.info()
    check_that("redis_version", str(everything["redis_version"]).startswith("7."), everything.get("redis_version"))
    check_that("connected_clients", everything["connected_clients"] >= 1, everything["connected_clients"])
    check_that("used_memory", isinstance(everything["used_memory"], int), everything["used_memory"])
    check_that("db0 keys", everything["db0"]["keys"] >= 1, everything.get("db0"))
    stats = r.info("stats")
    check_that("total_commands_processed", stats["total_commands_processed"] > 0, stats)
    commandstats = r.info("commandstats")
    get = commandstats.get("cmdstat_get", {})
    check_that("cmdstat_get", get.get("calls", 0) >= 1, get)
    check_that("INFO server", "uptime_in_seconds" in r.info("server"), "no uptime_in_seconds")
    check("DEL", r.delete(f"{prefix}info"), 1)
    r.close()


SCENARIOS = [
    ("connection", connection),
    ("cache", cache),
    ("pipeline", pipeline),
    ("pub/sub", pubsub),
    ("10 MB value", big_value),
    ("SCAN", scan),
    ("SELECT 1", databases),
    ("INFO", info),
]


def main():
    return run_scenarios(__doc__.splitlines()[0], SCENARIOS, "server")


if __name__ == "__main__":
    sys.exit(main())
