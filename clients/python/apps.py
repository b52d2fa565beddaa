#!/usr/bin/env python3
"""Four small real-world apps on redis-py, run against sharedkv (or any Redis).

Each app is what a user would point at a Redis server: a session store
(hashes), a reliable job queue (lists), a tag index (sets) and a
leaderboard (sorted sets). Each asserts every reply exactly, so a wrong
reply fails it. The client is on its default settings: redis-py 8 speaks
RESP3 (it opens with HELLO 3). `decode_responses=True` only decodes the
replies to `str` on the client side; it changes nothing on the wire.

Every key lives under a prefix of its own run (`apps:py:<random>:`), so the
apps can run against a server that holds other data, and each app deletes
what it wrote.

    python3 clients/python/apps.py --port 6379

Prints one line per app passed; on the first failure prints what was
expected and what came back, and exits 1.
"""

import argparse
import sys
import uuid

import redis

from checks import Failed, check, check_that


def connect(port):
    return redis.Redis(host="127.0.0.1", port=port, decode_responses=True)


# ------------------------------------------------------------ session store


def session_store(port, prefix):
    """A web session store: one hash per session, with a sliding expiry."""
    r = connect(port)
    sid = f"{prefix}session:7f3a"
    other = f"{prefix}session:9c1e"

    # Login: the session is created with its fields and an idle timeout.
    check(
        "HSET mapping",
        r.hset(sid, mapping={"user_id": "42", "name": "Ada", "cart": "0", "csrf": "t0k"}),
        4,
    )
    check("EXPIRE", r.expire(sid, 1800), True)
    ttl = r.ttl(sid)
    check_that("TTL after EXPIRE 1800", 1790 < ttl <= 1800, ttl)
    check("HSET of a second session", r.hset(other, mapping={"user_id": "7", "name": "Bob"}), 2)

    # Requests read the session and change it in place.
    check("HGET", r.hget(sid, "name"), "Ada")
    check("HGET of a missing field", r.hget(sid, "theme"), None)
    check("HGET of a missing session", r.hget(f"{prefix}session:none", "name"), None)
    check("HINCRBY", r.hincrby(sid, "cart", 3), 3)
    check("HINCRBY negative", r.hincrby(sid, "cart", -1), 2)
    check("HINCRBY of a new field", r.hincrby(sid, "visits", 1), 1)
    check(
        "HGETALL",
        r.hgetall(sid),
        {"user_id": "42", "name": "Ada", "cart": "2", "csrf": "t0k", "visits": "1"},
    )
    check("HGETALL of a missing session", r.hgetall(f"{prefix}session:none"), {})

    # The CSRF token is used once.
    check("HDEL", r.hdel(sid, "csrf"), 1)
    check("HDEL again", r.hdel(sid, "csrf"), 0)

    # Each request touches the session: one round trip for both commands.
    # pipeline(transaction=False): redis-py's default pipeline wraps its
    # commands in MULTI/EXEC, which the server does not have yet.
    pipe = r.pipeline(transaction=False)
    pipe.hset(sid, "last_seen", "1700000000")
    pipe.expire(sid, 3600)
    pipe.hlen(sid)
    check("pipelined HSET, EXPIRE, HLEN", pipe.execute(), [1, True, 5])
    ttl = r.ttl(sid)
    check_that("TTL after the sliding EXPIRE 3600", 3590 < ttl <= 3600, ttl)

    # A new process (a reconnect) reads the same session back.
    r.close()
    r = connect(port)
    check(
        "HGETALL after reconnect",
        r.hgetall(sid),
        {"user_id": "42", "name": "Ada", "cart": "2", "visits": "1", "last_seen": "1700000000"},
    )
    ttl = r.ttl(sid)
    check_that("TTL after reconnect", 3590 < ttl <= 3600, ttl)
    check("TTL of a session without expiry", r.ttl(other), -1)

    # Logout.
    check("DEL", r.delete(sid), 1)
    check("EXISTS after logout", r.exists(sid), 0)
    check("HGETALL after logout", r.hgetall(sid), {})
    check("TTL after logout", r.ttl(sid), -2)
    check("HDEL of the last fields removes the key", r.hdel(other, "user_id", "name"), 2)
    check("EXISTS of an emptied session", r.exists(other), 0)
    r.close()


# ---------------------------------------------------------------- job queue


def job_queue(port, prefix):
    """A reliable queue: producers push, a worker moves each job into a
    processing list and removes it from there on acknowledgement, so a job
    whose worker dies is still somewhere and can be requeued."""
    r = connect(port)
    queue = f"{prefix}jobs"
    processing = f"{prefix}jobs:processing"

    # Producers push at the head; workers take from the tail (FIFO).
    check("LPUSH", r.lpush(queue, "job:1"), 1)
    check("LPUSH of two", r.lpush(queue, "job:2", "job:3"), 3)
    # An urgent job goes to the tail: it is taken next.
    check("RPUSH", r.rpush(queue, "job:urgent"), 4)
    check("LLEN", r.llen(queue), 4)
    check("LRANGE", r.lrange(queue, 0, -1), ["job:3", "job:2", "job:1", "job:urgent"])

    # A batch of producers in one round trip (non-transactional pipeline:
    # MULTI/EXEC is not in the server yet).
    pipe = r.pipeline(transaction=False)
    for n in range(4, 8):
        pipe.lpush(queue, f"job:{n}")
    check("pipelined LPUSH", pipe.execute(), [5, 6, 7, 8])

    # Worker: take a job into the processing list, do it, acknowledge it.
    check("LMOVE", r.lmove(queue, processing, "RIGHT", "LEFT"), "job:urgent")
    check("LRANGE of processing", r.lrange(processing, 0, -1), ["job:urgent"])
    check("LREM on ack", r.lrem(processing, 1, "job:urgent"), 1)
    check("processing emptied", r.exists(processing), 0)

    # A worker takes two jobs and dies before acknowledging them.
    check("LMOVE", r.lmove(queue, processing, "RIGHT", "LEFT"), "job:1")
    check("LMOVE", r.lmove(queue, processing, "RIGHT", "LEFT"), "job:2")
    check("LLEN of processing", r.llen(processing), 2)
    # The reaper puts them back at the tail, newest first, so that the
    # oldest is taken next.
    check("requeue LMOVE", r.lmove(processing, queue, "LEFT", "RIGHT"), "job:2")
    check("requeue LMOVE", r.lmove(processing, queue, "LEFT", "RIGHT"), "job:1")
    check("LMOVE of an empty list", r.lmove(processing, queue, "LEFT", "RIGHT"), None)
    check(
        "LRANGE after requeue",
        r.lrange(queue, 0, -1),
        ["job:7", "job:6", "job:5", "job:4", "job:3", "job:2", "job:1"],
    )

    # A job pushed twice is acknowledged once for both copies.
    check("RPUSH duplicate", r.rpush(processing, "job:9", "job:9", "job:10"), 3)
    check("LREM all copies", r.lrem(processing, 0, "job:9"), 2)
    check("LREM of an absent job", r.lrem(processing, 0, "job:9"), 0)
    check("LRANGE after LREM", r.lrange(processing, 0, -1), ["job:10"])

    # Batch workers take several at once.
    check("RPOP with count", r.rpop(queue, 3), ["job:1", "job:2", "job:3"])
    check("LPOP with count", r.lpop(queue, 2), ["job:7", "job:6"])
    check("RPOP", r.rpop(queue), "job:4")
    check("LPOP with a count past the end", r.lpop(queue, 10), ["job:5"])
    check("LLEN of the drained queue", r.llen(queue), 0)
    check("EXISTS of the drained queue", r.exists(queue), 0)
    check("RPOP of an empty queue", r.rpop(queue), None)
    check("LPOP with count of an empty queue", r.lpop(queue, 3), None)
    check("LRANGE of an empty queue", r.lrange(queue, 0, -1), [])

    check("DEL", r.delete(processing), 1)
    r.close()


# ---------------------------------------------------------------- tag index


def tag_index(port, prefix):
    """A tag index: one set of post ids per tag, queried with set algebra."""
    r = connect(port)

    def tag(name):
        return f"{prefix}tag:{name}"

    posts = {
        "post:1": ["python", "redis"],
        "post:2": ["python", "rust"],
        "post:3": ["redis", "rust"],
        "post:4": ["python", "redis", "rust"],
        "post:5": ["go"],
    }
    added = 0
    for post, tags in posts.items():
        for t in tags:
            added += r.sadd(tag(t), post)
    check("SADD per tag", added, 10)
    check("SADD of a member already there", r.sadd(tag("python"), "post:1"), 0)
    check("SADD of several", r.sadd(tag("go"), "post:6", "post:7", "post:5"), 2)

    check("SMEMBERS", r.smembers(tag("python")), {"post:1", "post:2", "post:4"})
    check("SCARD", r.scard(tag("redis")), 3)
    check("SISMEMBER", r.sismember(tag("rust"), "post:2"), True)
    check("SISMEMBER of a non-member", r.sismember(tag("rust"), "post:1"), False)
    check("SISMEMBER of a missing tag", r.sismember(tag("java"), "post:1"), False)

    # Queries.
    check("SINTER", r.sinter(tag("python"), tag("redis")), {"post:1", "post:4"})
    check("SINTER of three", r.sinter(tag("python"), tag("redis"), tag("rust")), {"post:4"})
    check("SINTER with a missing tag", r.sinter(tag("python"), tag("java")), set())
    check(
        "SUNION",
        r.sunion(tag("python"), tag("rust")),
        {"post:1", "post:2", "post:3", "post:4"},
    )
    check("SDIFF", r.sdiff(tag("python"), tag("redis")), {"post:2"})
    check("SDIFF of two", r.sdiff(tag("redis"), tag("python"), tag("rust")), set())

    # A cached query result that expires.
    cached = f"{prefix}query:python+redis"
    check("SINTERSTORE", r.sinterstore(cached, [tag("python"), tag("redis")]), 2)
    check("EXPIRE of the cached result", r.expire(cached, 60), True)
    ttl = r.ttl(cached)
    check_that("TTL of the cached result", 50 < ttl <= 60, ttl)
    check("SMEMBERS of the cached result", r.smembers(cached), {"post:1", "post:4"})
    # Storing an empty result removes the key.
    check("SINTERSTORE of nothing", r.sinterstore(cached, [tag("go"), tag("rust")]), 0)
    check("EXISTS of an empty result", r.exists(cached), 0)

    # Untagging.
    check("SREM", r.srem(tag("python"), "post:2"), 1)
    check("SREM of a non-member", r.srem(tag("python"), "post:2"), 0)
    check("SCARD after SREM", r.scard(tag("python")), 2)
    check("SREM of the rest", r.srem(tag("go"), "post:5", "post:6", "post:7", "post:8"), 3)
    check("EXISTS of an emptied tag", r.exists(tag("go")), 0)

    # A big tag, filled in one round trip and walked with SSCAN.
    big = tag("popular")
    pipe = r.pipeline(transaction=False)  # not MULTI/EXEC: not in the server yet
    for start in range(0, 500, 100):
        pipe.sadd(big, *(f"post:{n}" for n in range(start, start + 100)))
    check("pipelined SADD", pipe.execute(), [100] * 5)
    check("SCARD of the big tag", r.scard(big), 500)
    seen = list(r.sscan_iter(big, count=50))
    # SCAN's guarantee: every member there for the whole walk comes back
    # (possibly more than once).
    check("SSCAN members", set(seen), {f"post:{n}" for n in range(500)})
    check(
        "SSCAN with MATCH",
        set(r.sscan_iter(big, match="post:4?", count=100)),
        {f"post:{n}" for n in range(40, 50)},
    )
    check("SSCAN of a missing tag", list(r.sscan_iter(tag("java"))), [])

    check(
        "DEL",
        r.delete(tag("python"), tag("redis"), tag("rust"), big),
        4,
    )
    r.close()


# -------------------------------------------------------------- leaderboard


def leaderboard(port, prefix):
    """A game leaderboard: one sorted set per week, a total over weeks."""
    r = connect(port)
    week1 = f"{prefix}board:week1"
    week2 = f"{prefix}board:week2"
    total = f"{prefix}board:total"

    scores = {
        "ada": 120, "bob": 80, "cy": 95, "dee": 60, "eve": 150, "fay": 70,
        "gus": 88, "hal": 101, "ivy": 45, "jo": 110, "kim": 99, "lu": 30,
    }
    check("ZADD", r.zadd(week1, scores), 12)
    check("ZADD of an existing member", r.zadd(week1, {"lu": 35}), 0)
    check("ZINCRBY", r.zincrby(week1, 30, "bob"), 110.0)
    check("ZINCRBY of a half point", r.zincrby(week1, 0.5, "dee"), 60.5)
    check("ZINCRBY of a new member", r.zincrby(week1, 12, "max"), 12.0)

    check(
        "ZREVRANGE 0 9 WITHSCORES",
        r.zrevrange(week1, 0, 9, withscores=True),
        [
            ("eve", 150.0), ("ada", 120.0), ("jo", 110.0), ("bob", 110.0), ("hal", 101.0),
            ("kim", 99.0), ("cy", 95.0), ("gus", 88.0), ("fay", 70.0), ("dee", 60.5),
        ],
    )
    check("ZREVRANGE of the top 3", r.zrevrange(week1, 0, 2), ["eve", "ada", "jo"])
    check("ZREVRANK", r.zrevrank(week1, "eve"), 0)
    check("ZREVRANK of a tie", r.zrevrank(week1, "bob"), 3)
    check("ZRANK", r.zrank(week1, "max"), 0)
    check("ZRANK of a non-member", r.zrank(week1, "zed"), None)
    check("ZSCORE", r.zscore(week1, "dee"), 60.5)
    check("ZSCORE of a non-member", r.zscore(week1, "zed"), None)
    check("ZCOUNT", r.zcount(week1, 90, 110), 5)
    check("ZCOUNT exclusive", r.zcount(week1, "(90", "(110"), 3)
    check("ZCOUNT of everyone", r.zcount(week1, "-inf", "+inf"), 13)

    # Paging through a score band.
    check(
        "ZRANGEBYSCORE with LIMIT",
        r.zrangebyscore(week1, 50, 100, start=0, num=3),
        ["dee", "fay", "gus"],
    )
    check(
        "ZRANGEBYSCORE with LIMIT, page 2, WITHSCORES",
        r.zrangebyscore(week1, 50, 100, start=3, num=3, withscores=True),
        [("cy", 95.0), ("kim", 99.0)],
    )

    # A cheater is removed; the week's winner is taken off the board.
    check("ZREM", r.zrem(week1, "max"), 1)
    check("ZREM of a non-member", r.zrem(week1, "max"), 0)
    check("ZPOPMAX", r.zpopmax(week1), [("eve", 150.0)])
    check("ZPOPMAX of two", r.zpopmax(week1, 2), [("ada", 120.0), ("jo", 110.0)])

    # Week 2 counts double in the total.
    pipe = r.pipeline(transaction=False)  # not MULTI/EXEC: not in the server yet
    pipe.zadd(week2, {"bob": 10, "ivy": 40, "new": 25})
    pipe.zcard(week1)
    check("pipelined ZADD, ZCARD", pipe.execute(), [3, 9])
    check("ZUNIONSTORE with WEIGHTS", r.zunionstore(total, {week1: 1, week2: 2}), 10)
    check(
        "ZREVRANGE of the total",
        r.zrevrange(total, 0, 4, withscores=True),
        [("bob", 130.0), ("ivy", 125.0), ("hal", 101.0), ("kim", 99.0), ("cy", 95.0)],
    )
    check("ZSCORE in the total", r.zscore(total, "new"), 50.0)

    check("ZPOPMAX drains", len(r.zpopmax(week2, 10)), 3)
    check("EXISTS of a drained board", r.exists(week2), 0)
    check("ZPOPMAX of an empty board", r.zpopmax(week2), [])
    check("DEL", r.delete(week1, total), 2)
    r.close()


APPS = [
    ("session store", session_store),
    ("job queue", job_queue),
    ("tag index", tag_index),
    ("leaderboard", leaderboard),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="server port on 127.0.0.1")
    args = parser.parse_args()
    prefix = f"apps:py:{uuid.uuid4().hex[:8]}:"
    for name, app in APPS:
        try:
            app(args.port, prefix)
        except Failed as e:
            print(f"FAILED redis-py {redis.__version__} {name}: {e}", file=sys.stderr)
            return 1
        except redis.RedisError as e:
            print(
                f"FAILED redis-py {redis.__version__} {name}: {type(e).__name__}: {e}",
                file=sys.stderr,
            )
            return 1
        print(f"ok redis-py {redis.__version__} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
