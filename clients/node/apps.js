#!/usr/bin/env node
// Four small real-world apps, run with node-redis and then with ioredis,
// against sharedkv (or any Redis).
//
// Each app is what a user would point at a Redis server: a session store
// (hashes), a reliable job queue (lists), a tag index (sets) and a
// leaderboard (sorted sets). Each asserts every reply exactly, so a wrong
// reply fails it. Both clients are on their default settings: node-redis 6
// speaks RESP3 (it opens with HELLO 3), ioredis 5 speaks RESP2 and checks
// INFO before its first command.
//
// The apps are written once over a small adapter per client (`nodeRedis`,
// `ioredis` below) that calls each library's own method for each command
// and turns its reply into one plain shape; the adapters do no more than
// that, so what an app sees is what the library returned.
//
// Every key lives under a prefix of its own run and library
// (`apps:js:<random>:<library>:`), so the apps can run against a server
// that holds other data, and each app deletes what it wrote.
//
//     node clients/node/apps.js --port 6379
//
// Prints one line per app passed. On a library's first failure it prints
// what was expected and what came back and goes on to the next library;
// it exits 1 if any app failed.

'use strict';

const { createClient } = require('redis');
const Redis = require('ioredis');
const { Failed, check, checkThat, runScenarios } = require('./checks');

const NODE_REDIS_VERSION = require('redis/package.json').version;
const IOREDIS_VERSION = require('ioredis/package.json').version;


/** A set's members as a sorted array, for comparison. */
function sorted(members) {
  return [...members].sort();
}

/** A reply of field/value pairs as a plain object. */
function plain(object) {
  return { ...object };
}

/** `[member, score]` pairs from ioredis's flat WITHSCORES array. */
function pairs(flat) {
  const out = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], Number(flat[i + 1])]);
  return out;
}

// ------------------------------------------------------------- the adapters

/** How long a connection (with its handshake) may take. */
const CONNECT_WITHIN_MS = 10_000;

/** Connects `client`, or fails with the last error it reported. Both
 * libraries reconnect forever by default when the handshake fails (as it
 * does with NOPROTO where the server has no RESP3), so the app would hang
 * with no word of why. */
async function connectWithin(client, giveUp) {
  let lastError = null;
  // Errors of the connection come as events; a failed command rejects its
  // own promise.
  client.on('error', (e) => {
    lastError = e;
  });
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => {
      giveUp();
      const why = lastError ? `${lastError.name}: ${lastError.message}` : 'no error reported';
      reject(new Failed(`not connected within ${CONNECT_WITHIN_MS} ms (${why})`));
    }, CONNECT_WITHIN_MS);
  });
  try {
    await Promise.race([client.connect(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** node-redis: camel-case methods, objects for options, RESP3 by default. */
const nodeRedis = {
  name: `node-redis ${NODE_REDIS_VERSION}`,
  key: 'node-redis',
  async connect(port) {
    const client = createClient({ socket: { host: '127.0.0.1', port } });
    await connectWithin(client, () => client.destroy());
    return {
      close: () => client.close(),
      // Hashes.
      hset: (key, fields) => client.hSet(key, fields),
      hget: (key, field) => client.hGet(key, field),
      hgetall: async (key) => plain(await client.hGetAll(key)),
      hincrby: (key, field, by) => client.hIncrBy(key, field, by),
      hdel: (key, ...fields) => client.hDel(key, fields),
      hlen: (key) => client.hLen(key),
      expire: (key, secs) => client.expire(key, secs),
      ttl: (key) => client.ttl(key),
      del: (...keys) => client.del(keys),
      exists: (key) => client.exists(key),
      // A round trip of several commands: execAsPipeline sends them without
      // MULTI/EXEC (the server has no transactions yet).
      pipeline: (build) => {
        const multi = client.multi();
        build({
          hset: (k, f) => multi.hSet(k, f),
          expire: (k, s) => multi.expire(k, s),
          hlen: (k) => multi.hLen(k),
          lpush: (k, v) => multi.lPush(k, v),
          sadd: (k, m) => multi.sAdd(k, m),
          zadd: (k, m) => multi.zAdd(k, Object.entries(m).map(([value, score]) => ({ value, score }))),
          zcard: (k) => multi.zCard(k),
        });
        return multi.execAsPipeline();
      },
      // Lists.
      lpush: (key, ...values) => client.lPush(key, values),
      rpush: (key, ...values) => client.rPush(key, values),
      lpop: (key) => client.lPop(key),
      rpop: (key) => client.rPop(key),
      lpopCount: (key, n) => client.lPopCount(key, n),
      rpopCount: (key, n) => client.rPopCount(key, n),
      lmove: (src, dst, from, to) => client.lMove(src, dst, from, to),
      lrem: (key, count, value) => client.lRem(key, count, value),
      llen: (key) => client.lLen(key),
      lrange: (key, start, stop) => client.lRange(key, start, stop),
      // Sets.
      sadd: (key, ...members) => client.sAdd(key, members),
      srem: (key, ...members) => client.sRem(key, members),
      smembers: async (key) => sorted(await client.sMembers(key)),
      sismember: async (key, member) => (await client.sIsMember(key, member)) === 1,
      scard: (key) => client.sCard(key),
      sinter: async (...keys) => sorted(await client.sInter(keys)),
      sunion: async (...keys) => sorted(await client.sUnion(keys)),
      sdiff: async (...keys) => sorted(await client.sDiff(keys)),
      sinterstore: (dst, ...keys) => client.sInterStore(dst, keys),
      sscanAll: async (key, options) => {
        const seen = [];
        for await (const members of client.sScanIterator(key, options)) seen.push(...members);
        return seen;
      },
      // Sorted sets. node-redis has no ZREVRANGE: its way is ZRANGE ... REV.
      zadd: (key, members) =>
        client.zAdd(key, Object.entries(members).map(([value, score]) => ({ value, score }))),
      zincrby: (key, by, member) => client.zIncrBy(key, by, member),
      ztop: async (key, start, stop) =>
        (await client.zRangeWithScores(key, start, stop, { REV: true })).map((e) => [e.value, e.score]),
      ztopMembers: (key, start, stop) => client.zRange(key, start, stop, { REV: true }),
      zrank: (key, member) => client.zRank(key, member),
      zrevrank: (key, member) => client.zRevRank(key, member),
      zscore: (key, member) => client.zScore(key, member),
      zcount: (key, min, max) => client.zCount(key, min, max),
      zrangebyscore: (key, min, max, offset, count) =>
        client.zRangeByScore(key, min, max, { LIMIT: { offset, count } }),
      zrangebyscoreWithScores: async (key, min, max, offset, count) =>
        (await client.zRangeByScoreWithScores(key, min, max, { LIMIT: { offset, count } })).map((e) => [
          e.value,
          e.score,
        ]),
      zrem: (key, member) => client.zRem(key, member),
      zpopmax: async (key) => {
        const e = await client.zPopMax(key);
        return e === null ? null : [e.value, e.score];
      },
      zpopmaxCount: async (key, n) => (await client.zPopMaxCount(key, n)).map((e) => [e.value, e.score]),
      zunionstoreWeighted: (dst, weights) =>
        client.zUnionStore(dst, Object.entries(weights).map(([key, weight]) => ({ key, weight }))),
    };
  },
};

/** ioredis: lower-case methods, flat arguments, RESP2. */
const ioredis = {
  name: `ioredis ${IOREDIS_VERSION}`,
  key: 'ioredis',
  async connect(port) {
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
    await connectWithin(client, () => client.disconnect());
    return {
      close: () => client.quit(),
      hset: (key, fields) => client.hset(key, fields),
      hget: (key, field) => client.hget(key, field),
      hgetall: (key) => client.hgetall(key).then(plain),
      hincrby: (key, field, by) => client.hincrby(key, field, by),
      hdel: (key, ...fields) => client.hdel(key, ...fields),
      hlen: (key) => client.hlen(key),
      expire: (key, secs) => client.expire(key, secs),
      ttl: (key) => client.ttl(key),
      del: (...keys) => client.del(...keys),
      exists: (key) => client.exists(key),
      // ioredis's pipeline() is not a transaction (multi() would be).
      pipeline: async (build) => {
        const pipe = client.pipeline();
        build({
          hset: (k, f) => pipe.hset(k, f),
          expire: (k, s) => pipe.expire(k, s),
          hlen: (k) => pipe.hlen(k),
          lpush: (k, v) => pipe.lpush(k, v),
          sadd: (k, m) => pipe.sadd(k, ...m),
          zadd: (k, m) => pipe.zadd(k, ...Object.entries(m).flatMap(([v, s]) => [s, v])),
          zcard: (k) => pipe.zcard(k),
        });
        const results = await pipe.exec();
        return results.map(([err, reply]) => {
          if (err) throw err;
          return reply;
        });
      },
      lpush: (key, ...values) => client.lpush(key, ...values),
      rpush: (key, ...values) => client.rpush(key, ...values),
      lpop: (key) => client.lpop(key),
      rpop: (key) => client.rpop(key),
      lpopCount: (key, n) => client.lpop(key, n),
      rpopCount: (key, n) => client.rpop(key, n),
      lmove: (src, dst, from, to) => client.lmove(src, dst, from, to),
      lrem: (key, count, value) => client.lrem(key, count, value),
      llen: (key) => client.llen(key),
      lrange: (key, start, stop) => client.lrange(key, start, stop),
      sadd: (key, ...members) => client.sadd(key, ...members),
      srem: (key, ...members) => client.srem(key, ...members),
      smembers: async (key) => sorted(await client.smembers(key)),
      sismember: async (key, member) => (await client.sismember(key, member)) === 1,
      scard: (key) => client.scard(key),
      sinter: async (...keys) => sorted(await client.sinter(...keys)),
      sunion: async (...keys) => sorted(await client.sunion(...keys)),
      sdiff: async (...keys) => sorted(await client.sdiff(...keys)),
      sinterstore: (dst, ...keys) => client.sinterstore(dst, ...keys),
      sscanAll: (key, options) =>
        new Promise((resolve, reject) => {
          const seen = [];
          const stream = client.sscanStream(key, { match: options.MATCH, count: options.COUNT });
          stream.on('data', (members) => seen.push(...members));
          stream.on('end', () => resolve(seen));
          stream.on('error', reject);
        }),
      zadd: (key, members) => client.zadd(key, ...Object.entries(members).flatMap(([v, s]) => [s, v])),
      zincrby: async (key, by, member) => Number(await client.zincrby(key, by, member)),
      ztop: async (key, start, stop) => pairs(await client.zrevrange(key, start, stop, 'WITHSCORES')),
      ztopMembers: (key, start, stop) => client.zrevrange(key, start, stop),
      zrank: (key, member) => client.zrank(key, member),
      zrevrank: (key, member) => client.zrevrank(key, member),
      zscore: async (key, member) => {
        const score = await client.zscore(key, member);
        return score === null ? null : Number(score);
      },
      zcount: (key, min, max) => client.zcount(key, min, max),
      zrangebyscore: (key, min, max, offset, count) =>
        client.zrangebyscore(key, min, max, 'LIMIT', offset, count),
      zrangebyscoreWithScores: async (key, min, max, offset, count) =>
        pairs(await client.zrangebyscore(key, min, max, 'WITHSCORES', 'LIMIT', offset, count)),
      zrem: (key, member) => client.zrem(key, member),
      zpopmax: async (key) => {
        const flat = await client.zpopmax(key);
        return flat.length === 0 ? null : pairs(flat)[0];
      },
      zpopmaxCount: async (key, n) => pairs(await client.zpopmax(key, n)),
      zunionstoreWeighted: (dst, weights) =>
        client.zunionstore(dst, Object.keys(weights).length, ...Object.keys(weights), 'WEIGHTS', ...Object.values(weights)),
    };
  },
};

// ------------------------------------------------------------ session store

/** A web session store: one hash per session, with a sliding expiry. */
async function sessionStore(lib, port, prefix) {
  let r = await lib.connect(port);
  const sid = `${prefix}session:7f3a`;
  const other = `${prefix}session:9c1e`;

  // Login: the session is created with its fields and an idle timeout.
  check('HSET of an object', await r.hset(sid, { user_id: '42', name: 'Ada', cart: '0', csrf: 't0k' }), 4);
  check('EXPIRE', await r.expire(sid, 1800), 1);
  let ttl = await r.ttl(sid);
  checkThat('TTL after EXPIRE 1800', ttl > 1790 && ttl <= 1800, ttl);
  check('HSET of a second session', await r.hset(other, { user_id: '7', name: 'Bob' }), 2);

  // Requests read the session and change it in place.
  check('HGET', await r.hget(sid, 'name'), 'Ada');
  check('HGET of a missing field', await r.hget(sid, 'theme'), null);
  check('HGET of a missing session', await r.hget(`${prefix}session:none`, 'name'), null);
  check('HINCRBY', await r.hincrby(sid, 'cart', 3), 3);
  check('HINCRBY negative', await r.hincrby(sid, 'cart', -1), 2);
  check('HINCRBY of a new field', await r.hincrby(sid, 'visits', 1), 1);
  check('HGETALL', await r.hgetall(sid), { user_id: '42', name: 'Ada', cart: '2', csrf: 't0k', visits: '1' });
  check('HGETALL of a missing session', await r.hgetall(`${prefix}session:none`), {});

  // The CSRF token is used once.
  check('HDEL', await r.hdel(sid, 'csrf'), 1);
  check('HDEL again', await r.hdel(sid, 'csrf'), 0);

  // Each request touches the session: one round trip for three commands.
  check(
    'pipelined HSET, EXPIRE, HLEN',
    await r.pipeline((p) => {
      p.hset(sid, { last_seen: '1700000000' });
      p.expire(sid, 3600);
      p.hlen(sid);
    }),
    [1, 1, 5],
  );
  ttl = await r.ttl(sid);
  checkThat('TTL after the sliding EXPIRE 3600', ttl > 3590 && ttl <= 3600, ttl);

  // A new process (a reconnect) reads the same session back.
  await r.close();
  r = await lib.connect(port);
  check('HGETALL after reconnect', await r.hgetall(sid), {
    user_id: '42',
    name: 'Ada',
    cart: '2',
    visits: '1',
    last_seen: '1700000000',
  });
  ttl = await r.ttl(sid);
  checkThat('TTL after reconnect', ttl > 3590 && ttl <= 3600, ttl);
  check('TTL of a session without expiry', await r.ttl(other), -1);

  // Logout.
  check('DEL', await r.del(sid), 1);
  check('EXISTS after logout', await r.exists(sid), 0);
  check('HGETALL after logout', await r.hgetall(sid), {});
  check('TTL after logout', await r.ttl(sid), -2);
  check('HDEL of the last fields removes the key', await r.hdel(other, 'user_id', 'name'), 2);
  check('EXISTS of an emptied session', await r.exists(other), 0);
  await r.close();
}

// ---------------------------------------------------------------- job queue

/** A reliable queue: producers push, a worker moves each job into a
 * processing list and removes it from there on acknowledgement, so a job
 * whose worker dies is still somewhere and can be requeued. */
async function jobQueue(lib, port, prefix) {
  const r = await lib.connect(port);
  const queue = `${prefix}jobs`;
  const processing = `${prefix}jobs:processing`;

  // Producers push at the head; workers take from the tail (FIFO).
  check('LPUSH', await r.lpush(queue, 'job:1'), 1);
  check('LPUSH of two', await r.lpush(queue, 'job:2', 'job:3'), 3);
  // An urgent job goes to the tail: it is taken next.
  check('RPUSH', await r.rpush(queue, 'job:urgent'), 4);
  check('LLEN', await r.llen(queue), 4);
  check('LRANGE', await r.lrange(queue, 0, -1), ['job:3', 'job:2', 'job:1', 'job:urgent']);

  // A batch of producers in one round trip (not a transaction).
  check(
    'pipelined LPUSH',
    await r.pipeline((p) => {
      for (let n = 4; n < 8; n++) p.lpush(queue, `job:${n}`);
    }),
    [5, 6, 7, 8],
  );

  // Worker: take a job into the processing list, do it, acknowledge it.
  check('LMOVE', await r.lmove(queue, processing, 'RIGHT', 'LEFT'), 'job:urgent');
  check('LRANGE of processing', await r.lrange(processing, 0, -1), ['job:urgent']);
  check('LREM on ack', await r.lrem(processing, 1, 'job:urgent'), 1);
  check('processing emptied', await r.exists(processing), 0);

  // A worker takes two jobs and dies before acknowledging them.
  check('LMOVE', await r.lmove(queue, processing, 'RIGHT', 'LEFT'), 'job:1');
  check('LMOVE', await r.lmove(queue, processing, 'RIGHT', 'LEFT'), 'job:2');
  check('LLEN of processing', await r.llen(processing), 2);
  // The reaper puts them back at the tail, newest first, so that the
  // oldest is taken next.
  check('requeue LMOVE', await r.lmove(processing, queue, 'LEFT', 'RIGHT'), 'job:2');
  check('requeue LMOVE', await r.lmove(processing, queue, 'LEFT', 'RIGHT'), 'job:1');
  check('LMOVE of an empty list', await r.lmove(processing, queue, 'LEFT', 'RIGHT'), null);
  check('LRANGE after requeue', await r.lrange(queue, 0, -1), [
    'job:7',
    'job:6',
    'job:5',
    'job:4',
    'job:3',
    'job:2',
    'job:1',
  ]);

  // A job pushed twice is acknowledged once for both copies.
  check('RPUSH duplicate', await r.rpush(processing, 'job:9', 'job:9', 'job:10'), 3);
  check('LREM all copies', await r.lrem(processing, 0, 'job:9'), 2);
  check('LREM of an absent job', await r.lrem(processing, 0, 'job:9'), 0);
  check('LRANGE after LREM', await r.lrange(processing, 0, -1), ['job:10']);

  // Batch workers take several at once.
  check('RPOP with count', await r.rpopCount(queue, 3), ['job:1', 'job:2', 'job:3']);
  check('LPOP with count', await r.lpopCount(queue, 2), ['job:7', 'job:6']);
  check('RPOP', await r.rpop(queue), 'job:4');
  check('LPOP with a count past the end', await r.lpopCount(queue, 10), ['job:5']);
  check('LLEN of the drained queue', await r.llen(queue), 0);
  check('EXISTS of the drained queue', await r.exists(queue), 0);
  check('RPOP of an empty queue', await r.rpop(queue), null);
  check('LPOP of an empty queue', await r.lpop(queue), null);
  check('LPOP with count of an empty queue', await r.lpopCount(queue, 3), null);
  check('LRANGE of an empty queue', await r.lrange(queue, 0, -1), []);

  check('DEL', await r.del(processing), 1);
  await r.close();
}

// ---------------------------------------------------------------- tag index

/** A tag index: one set of post ids per tag, queried with set algebra. */
async function tagIndex(lib, port, prefix) {
  const r = await lib.connect(port);
  const tag = (name) => `${prefix}tag:${name}`;

  const posts = {
    'post:1': ['python', 'redis'],
    'post:2': ['python', 'rust'],
    'post:3': ['redis', 'rust'],
    'post:4': ['python', 'redis', 'rust'],
    'post:5': ['go'],
  };
  let added = 0;
  for (const [post, tags] of Object.entries(posts)) {
    for (const t of tags) added += await r.sadd(tag(t), post);
  }
  check('SADD per tag', added, 10);
  check('SADD of a member already there', await r.sadd(tag('python'), 'post:1'), 0);
  check('SADD of several', await r.sadd(tag('go'), 'post:6', 'post:7', 'post:5'), 2);

  check('SMEMBERS', await r.smembers(tag('python')), ['post:1', 'post:2', 'post:4']);
  check('SCARD', await r.scard(tag('redis')), 3);
  check('SISMEMBER', await r.sismember(tag('rust'), 'post:2'), true);
  check('SISMEMBER of a non-member', await r.sismember(tag('rust'), 'post:1'), false);
  check('SISMEMBER of a missing tag', await r.sismember(tag('java'), 'post:1'), false);

  // Queries.
  check('SINTER', await r.sinter(tag('python'), tag('redis')), ['post:1', 'post:4']);
  check('SINTER of three', await r.sinter(tag('python'), tag('redis'), tag('rust')), ['post:4']);
  check('SINTER with a missing tag', await r.sinter(tag('python'), tag('java')), []);
  check('SUNION', await r.sunion(tag('python'), tag('rust')), ['post:1', 'post:2', 'post:3', 'post:4']);
  check('SDIFF', await r.sdiff(tag('python'), tag('redis')), ['post:2']);
  check('SDIFF of three', await r.sdiff(tag('redis'), tag('python'), tag('rust')), []);

  // A cached query result that expires.
  const cached = `${prefix}query:python+redis`;
  check('SINTERSTORE', await r.sinterstore(cached, tag('python'), tag('redis')), 2);
  check('EXPIRE of the cached result', await r.expire(cached, 60), 1);
  const ttl = await r.ttl(cached);
  checkThat('TTL of the cached result', ttl > 50 && ttl <= 60, ttl);
  check('SMEMBERS of the cached result', await r.smembers(cached), ['post:1', 'post:4']);
  // Storing an empty result removes the key.
  check('SINTERSTORE of nothing', await r.sinterstore(cached, tag('go'), tag('rust')), 0);
  check('EXISTS of an empty result', await r.exists(cached), 0);

  // Untagging.
  check('SREM', await r.srem(tag('python'), 'post:2'), 1);
  check('SREM of a non-member', await r.srem(tag('python'), 'post:2'), 0);
  check('SCARD after SREM', await r.scard(tag('python')), 2);
  check('SREM of the rest', await r.srem(tag('go'), 'post:5', 'post:6', 'post:7', 'post:8'), 3);
  check('EXISTS of an emptied tag', await r.exists(tag('go')), 0);

  // A big tag, filled in one round trip and walked with SSCAN.
  const big = tag('popular');
  check(
    'pipelined SADD',
    await r.pipeline((p) => {
      for (let start = 0; start < 500; start += 100) {
        p.sadd(big, Array.from({ length: 100 }, (_, i) => `post:${start + i}`));
      }
    }),
    [100, 100, 100, 100, 100],
  );
  check('SCARD of the big tag', await r.scard(big), 500);
  // SCAN's guarantee: every member there for the whole walk comes back
  // (possibly more than once).
  const all = Array.from({ length: 500 }, (_, n) => `post:${n}`);
  check('SSCAN members', sorted(new Set(await r.sscanAll(big, { COUNT: 50 }))), sorted(all));
  check(
    'SSCAN with MATCH',
    sorted(new Set(await r.sscanAll(big, { MATCH: 'post:4?', COUNT: 100 }))),
    sorted(Array.from({ length: 10 }, (_, n) => `post:4${n}`)),
  );
  check('SSCAN of a missing tag', await r.sscanAll(tag('java'), {}), []);

  check('DEL', await r.del(tag('python'), tag('redis'), tag('rust'), big), 4);
  await r.close();
}

// -------------------------------------------------------------- leaderboard

/** A game leaderboard: one sorted set per week, a total over weeks. */
async function leaderboard(lib, port, prefix) {
  const r = await lib.connect(port);
  const week1 = `${prefix}board:week1`;
  const week2 = `${prefix}board:week2`;
  const total = `${prefix}board:total`;

  const scores = { ada: 120, bob: 80, cy: 95, dee: 60, eve: 150, fay: 70, gus: 88, hal: 101, ivy: 45, jo: 110, kim: 99, lu: 30 };
  check('ZADD', await r.zadd(week1, scores), 12);
  check('ZADD of an existing member', await r.zadd(week1, { lu: 35 }), 0);
  check('ZINCRBY', await r.zincrby(week1, 30, 'bob'), 110);
  check('ZINCRBY of a half point', await r.zincrby(week1, 0.5, 'dee'), 60.5);
  check('ZINCRBY of a new member', await r.zincrby(week1, 12, 'max'), 12);

  check('top 10 with scores (ZREVRANGE 0 9 WITHSCORES)', await r.ztop(week1, 0, 9), [
    ['eve', 150],
    ['ada', 120],
    ['jo', 110],
    ['bob', 110],
    ['hal', 101],
    ['kim', 99],
    ['cy', 95],
    ['gus', 88],
    ['fay', 70],
    ['dee', 60.5],
  ]);
  check('top 3', await r.ztopMembers(week1, 0, 2), ['eve', 'ada', 'jo']);
  check('ZREVRANK', await r.zrevrank(week1, 'eve'), 0);
  check('ZREVRANK of a tie', await r.zrevrank(week1, 'bob'), 3);
  check('ZRANK', await r.zrank(week1, 'max'), 0);
  check('ZRANK of a non-member', await r.zrank(week1, 'zed'), null);
  check('ZSCORE', await r.zscore(week1, 'dee'), 60.5);
  check('ZSCORE of a non-member', await r.zscore(week1, 'zed'), null);
  check('ZCOUNT', await r.zcount(week1, 90, 110), 5);
  check('ZCOUNT exclusive', await r.zcount(week1, '(90', '(110'), 3);
  check('ZCOUNT of everyone', await r.zcount(week1, '-inf', '+inf'), 13);

  // Paging through a score band.
  check('ZRANGEBYSCORE with LIMIT', await r.zrangebyscore(week1, 50, 100, 0, 3), ['dee', 'fay', 'gus']);
  check('ZRANGEBYSCORE with LIMIT, page 2, WITHSCORES', await r.zrangebyscoreWithScores(week1, 50, 100, 3, 3), [
    ['cy', 95],
    ['kim', 99],
  ]);

  // A cheater is removed; the week's winner is taken off the board.
  check('ZREM', await r.zrem(week1, 'max'), 1);
  check('ZREM of a non-member', await r.zrem(week1, 'max'), 0);
  check('ZPOPMAX', await r.zpopmax(week1), ['eve', 150]);
  check('ZPOPMAX of two', await r.zpopmaxCount(week1, 2), [
    ['ada', 120],
    ['jo', 110],
  ]);

  // Week 2 counts double in the total.
  check(
    'pipelined ZADD, ZCARD',
    await r.pipeline((p) => {
      p.zadd(week2, { bob: 10, ivy: 40, new: 25 });
      p.zcard(week1);
    }),
    [3, 9],
  );
  check('ZUNIONSTORE with WEIGHTS', await r.zunionstoreWeighted(total, { [week1]: 1, [week2]: 2 }), 10);
  check('top 5 of the total', await r.ztop(total, 0, 4), [
    ['bob', 130],
    ['ivy', 125],
    ['hal', 101],
    ['kim', 99],
    ['cy', 95],
  ]);
  check('ZSCORE in the total', await r.zscore(total, 'new'), 50);

  check('ZPOPMAX drains', (await r.zpopmaxCount(week2, 10)).length, 3);
  check('EXISTS of a drained board', await r.exists(week2), 0);
  check('ZPOPMAX of an empty board', await r.zpopmax(week2), null);
  check('DEL', await r.del(week1, total), 2);
  await r.close();
}

const APPS = [
  ['session store', sessionStore],
  ['job queue', jobQueue],
  ['tag index', tagIndex],
  ['leaderboard', leaderboard],
];

// A library stops at its first failure; the other still runs, so that one
// run says what each of them meets.
runScenarios(
  'apps.js',
  'apps',
  [nodeRedis, ioredis],
  APPS.map(([name, app]) => [name, (lib, opts, prefix) => app(lib, opts.port, prefix)]),
);
