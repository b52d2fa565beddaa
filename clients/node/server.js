#!/usr/bin/env node
// What every node application does with its server, run with node-redis and
// then with ioredis against sharedkv (or any Redis).
//
// The scenarios a server must pass before any app can use it, on each
// library's default settings (node-redis 6 speaks RESP3, ioredis 5 RESP2
// with an INFO ready check): connecting with a name and a password, cache
// commands, a pipeline without a transaction, pub/sub with channels and
// patterns, a 10 MB value, walking the keyspace with SCAN, a second
// database, and reading INFO. Each asserts every reply exactly, with each
// library's own methods.
//
// Every key lives under a prefix of its own run and library
// (`server:js:<random>:<library>:`), and each scenario deletes what it
// wrote.
//
//     node clients/node/server.js --port 6379 [--password secret]
//
// Prints one line per scenario passed. On a library's first failure it
// prints what was expected and what came back and goes on to the next
// library; it exits 1 if any scenario failed.

'use strict';

const { createClient, RESP_TYPES } = require('redis');
const Redis = require('ioredis');
const { Failed, check, checkThat, runScenarios } = require('./checks');

const NODE_REDIS_VERSION = require('redis/package.json').version;
const IOREDIS_VERSION = require('ioredis/package.json').version;


/** Resolves with the first value `next()` gives within 5 s. */
function within(what, promise) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Failed(`${what}: nothing within 5 s`)), 5000);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** A 10 MB value of every byte value in turn. */
function blob() {
  const value = Buffer.alloc(10 * 1024 * 1024);
  for (let i = 0; i < value.length; i++) value[i] = i % 256;
  return value;
}

/** `key: value` lines of INFO's text, `# Section` headers left out. */
function parseInfo(text) {
  const fields = {};
  for (const line of text.split('\r\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    fields[line.slice(0, i)] = line.slice(i + 1);
  }
  return fields;
}

// ---------------------------------------------------------------- node-redis

const nodeRedis = {
  name: `node-redis ${NODE_REDIS_VERSION}`,
  key: 'node-redis',
  async client(opts, extra = {}) {
    const client = createClient({
      socket: { host: '127.0.0.1', port: opts.port, reconnectStrategy: false },
      password: opts.password,
      ...extra,
    });
    client.on('error', () => {});
    await within('connect', client.connect());
    return client;
  },
  scenarios: {
    async connection(lib, opts, prefix) {
      const r = await lib.client(opts, { name: `${prefix}worker` });
      check('PING', await r.ping(), 'PONG');
      check('CLIENT GETNAME', await r.clientGetName(), `${prefix}worker`);
      const me = await r.clientInfo();
      check('CLIENT INFO name', me.name, `${prefix}worker`);
      check('CLIENT ID', await r.clientId(), me.id);
      if (opts.password) {
        let refused = false;
        try {
          const bad = await lib.client({ ...opts, password: 'wrong' });
          await bad.ping();
          bad.destroy();
        } catch (e) {
          refused = e.message.startsWith('WRONGPASS');
        }
        checkThat('a wrong password is refused', refused, 'accepted');
      }
      r.destroy();
    },
    async cache(lib, opts, prefix) {
      const r = await lib.client(opts);
      const page = `${prefix}page:/home`;
      check('SET EX', await r.set(page, '<html>home</html>', { EX: 60 }), 'OK');
      check('GET', await r.get(page), '<html>home</html>');
      const ttl = await r.ttl(page);
      checkThat('TTL', ttl > 0 && ttl <= 60, ttl);
      check('SET NX', await r.set(page, 'other', { NX: true }), null);
      check('GET of a miss', await r.get(`${prefix}page:/missing`), null);
      check('INCR', await r.incr(`${prefix}hits`), 1);
      check('INCRBY', await r.incrBy(`${prefix}hits`, 9), 10);
      const users = [0, 1, 2].map((i) => [`${prefix}user:${i}`, `name-${i}`]);
      check('MSET', await r.mSet(users), 'OK');
      check('MGET', await r.mGet([...users.map(([k]) => k), `${prefix}none`]), ['name-0', 'name-1', 'name-2', null]);
      check('DEL', await r.del([page, `${prefix}hits`, ...users.map(([k]) => k)]), 5);
      r.destroy();
    },
    async pipeline(lib, opts, prefix) {
      const r = await lib.client(opts);
      const batch = r.multi();
      for (let i = 0; i < 50; i++) batch.set(`${prefix}p:${i}`, String(i));
      for (let i = 0; i < 50; i++) batch.incr(`${prefix}p:${i}`);
      const replies = await batch.execAsPipeline();
      check('pipeline replies', replies, [...Array(50).fill('OK'), ...Array.from({ length: 50 }, (_, i) => i + 1)]);
      check('DEL', await r.del(Array.from({ length: 50 }, (_, i) => `${prefix}p:${i}`)), 50);
      r.destroy();
    },
    async pubsub(lib, opts, prefix) {
      const r = await lib.client(opts);
      const sub = r.duplicate();
      sub.on('error', () => {});
      await sub.connect();
      const got = [];
      let wake = null;
      const arrived = () => new Promise((resolve) => { wake = resolve; });
      let next = arrived();
      await sub.subscribe(`${prefix}orders`, (message, channel) => { got.push(['message', channel, message]); wake(); });
      await sub.pSubscribe(`${prefix}news.*`, (message, channel) => { got.push(['pmessage', channel, message]); wake(); });
      check('PUBSUB NUMSUB', await r.pubSubNumSub(`${prefix}orders`), { [`${prefix}orders`]: 1 });
      check('PUBLISH to a channel', await r.publish(`${prefix}orders`, 'order 1'), 1);
      await within('channel message', next);
      next = arrived();
      check('PUBLISH to a pattern', await r.publish(`${prefix}news.sport`, 'goal'), 1);
      await within('pattern message', next);
      check('messages', got, [['message', `${prefix}orders`, 'order 1'], ['pmessage', `${prefix}news.sport`, 'goal']]);
      await sub.unsubscribe();
      await sub.pUnsubscribe();
      sub.destroy();
      r.destroy();
    },
    async bigValue(lib, opts, prefix) {
      const r = await lib.client(opts);
      const value = blob();
      check('SET 10 MB', await r.set(`${prefix}blob`, value), 'OK');
      check('STRLEN', await r.strLen(`${prefix}blob`), value.length);
      const back = await r.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(`${prefix}blob`);
      checkThat('GET 10 MB', Buffer.isBuffer(back) && back.equals(value), 'a different value');
      check('DEL', await r.del(`${prefix}blob`), 1);
      r.destroy();
    },
    async scan(lib, opts, prefix) {
      const r = await lib.client(opts);
      const names = Array.from({ length: 300 }, (_, i) => `${prefix}scan:${i}`);
      await r.mSet(names.map((n) => [n, 'x']));
      const found = new Set();
      for await (const keys of r.scanIterator({ MATCH: `${prefix}scan:*`, COUNT: 50 })) {
        for (const key of keys) found.add(key);
      }
      check('SCAN MATCH', [...found].sort(), [...names].sort());
      check('DEL', await r.del(names), 300);
      r.destroy();
    },
    async databases(lib, opts, prefix) {
      const zero = await lib.client(opts);
      const one = await lib.client(opts, { database: 1 });
      check('SET in db 1', await one.set(`${prefix}db`, 'one'), 'OK');
      check('GET in db 0', await zero.get(`${prefix}db`), null);
      check('GET in db 1', await one.get(`${prefix}db`), 'one');
      check('DEL', await one.del(`${prefix}db`), 1);
      zero.destroy();
      one.destroy();
    },
    async info(lib, opts, prefix) {
      const r = await lib.client(opts);
      await r.set(`${prefix}info`, 'x');
      await r.get(`${prefix}info`);
      const all = parseInfo(String(await r.info()));
      checkThat('redis_version', all.redis_version.startsWith('7.'), all.redis_version);
      checkThat('connected_clients', Number(all.connected_clients) >= 1, all.connected_clients);
      checkThat('db0', /^keys=\d+,expires=\d+/.test(all.db0), all.db0);
      const stats = parseInfo(String(await r.info('commandstats')));
      checkThat('cmdstat_get', /^calls=\d+,usec=\d+/.test(stats.cmdstat_get), stats.cmdstat_get);
      check('DEL', await r.del(`${prefix}info`), 1);
      r.destroy();
    },
  },
};

// ------------------------------------------------------------------ ioredis

const ioredis = {
  name: `ioredis ${IOREDIS_VERSION}`,
  key: 'ioredis',
  async client(opts, extra = {}) {
    const client = new Redis({
      host: '127.0.0.1',
      port: opts.port,
      password: opts.password,
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      ...extra,
    });
    client.on('error', () => {});
    await within('connect', client.connect());
    return client;
  },
  scenarios: {
    async connection(lib, opts, prefix) {
      const r = await lib.client(opts, { connectionName: `${prefix}worker` });
      check('PING', await r.ping(), 'PONG');
      check('CLIENT GETNAME', await r.client('GETNAME'), `${prefix}worker`);
      const list = String(await r.client('LIST'));
      checkThat('CLIENT LIST holds us', list.includes(`name=${prefix}worker `), list);
      if (opts.password) {
        // ioredis reports the refusal as an error event, then closes.
        let said = '';
        const bad = new Redis({ host: '127.0.0.1', port: opts.port, password: 'wrong', lazyConnect: true, retryStrategy: () => null });
        bad.on('error', (e) => { said = e.message; });
        try {
          await bad.connect();
          await bad.ping();
        } catch (e) {
          said ||= e.message;
        }
        bad.disconnect();
        checkThat('a wrong password is refused', said.startsWith('WRONGPASS'), said);
      }
      r.disconnect();
    },
    async cache(lib, opts, prefix) {
      const r = await lib.client(opts);
      const page = `${prefix}page:/home`;
      check('SET EX', await r.set(page, '<html>home</html>', 'EX', 60), 'OK');
      check('GET', await r.get(page), '<html>home</html>');
      const ttl = await r.ttl(page);
      checkThat('TTL', ttl > 0 && ttl <= 60, ttl);
      check('SET NX', await r.set(page, 'other', 'NX'), null);
      check('GET of a miss', await r.get(`${prefix}page:/missing`), null);
      check('INCR', await r.incr(`${prefix}hits`), 1);
      check('INCRBY', await r.incrby(`${prefix}hits`, 9), 10);
      check('MSET', await r.mset(`${prefix}u:0`, 'a', `${prefix}u:1`, 'b'), 'OK');
      check('MGET', await r.mget(`${prefix}u:0`, `${prefix}u:1`, `${prefix}none`), ['a', 'b', null]);
      check('DEL', await r.del(page, `${prefix}hits`, `${prefix}u:0`, `${prefix}u:1`), 4);
      r.disconnect();
    },
    async pipeline(lib, opts, prefix) {
      const r = await lib.client(opts);
      const batch = r.pipeline();
      for (let i = 0; i < 50; i++) batch.set(`${prefix}p:${i}`, String(i));
      for (let i = 0; i < 50; i++) batch.incr(`${prefix}p:${i}`);
      const replies = (await batch.exec()).map(([error, reply]) => error ?? reply);
      check('pipeline replies', replies, [...Array(50).fill('OK'), ...Array.from({ length: 50 }, (_, i) => i + 1)]);
      check('DEL', await r.del(...Array.from({ length: 50 }, (_, i) => `${prefix}p:${i}`)), 50);
      r.disconnect();
    },
    async pubsub(lib, opts, prefix) {
      const r = await lib.client(opts);
      const sub = await lib.client(opts);
      const got = [];
      let wake = null;
      const arrived = () => new Promise((resolve) => { wake = resolve; });
      sub.on('message', (channel, message) => { got.push(['message', channel, message]); wake(); });
      sub.on('pmessage', (pattern, channel, message) => { got.push(['pmessage', pattern, channel, message]); wake(); });
      check('SUBSCRIBE', await sub.subscribe(`${prefix}orders`), 1);
      check('PSUBSCRIBE', await sub.psubscribe(`${prefix}news.*`), 2);
      check('PUBSUB NUMPAT', (await r.pubsub('NUMPAT')) >= 1, true);
      let next = arrived();
      check('PUBLISH to a channel', await r.publish(`${prefix}orders`, 'order 1'), 1);
      await within('channel message', next);
      next = arrived();
      check('PUBLISH to a pattern', await r.publish(`${prefix}news.sport`, 'goal'), 1);
      await within('pattern message', next);
      check('messages', got, [
        ['message', `${prefix}orders`, 'order 1'],
        ['pmessage', `${prefix}news.*`, `${prefix}news.sport`, 'goal'],
      ]);
      sub.disconnect();
      r.disconnect();
    },
    async bigValue(lib, opts, prefix) {
      const r = await lib.client(opts);
      const value = blob();
      check('SET 10 MB', await r.set(`${prefix}blob`, value), 'OK');
      check('STRLEN', await r.strlen(`${prefix}blob`), value.length);
      const back = await r.getBuffer(`${prefix}blob`);
      checkThat('GET 10 MB', back.equals(value), 'a different value');
      check('DEL', await r.del(`${prefix}blob`), 1);
      r.disconnect();
    },
    async scan(lib, opts, prefix) {
      const r = await lib.client(opts);
      const names = Array.from({ length: 300 }, (_, i) => `${prefix}scan:${i}`);
      await r.mset(...names.flatMap((n) => [n, 'x']));
      const found = new Set();
      await new Promise((resolve, reject) => {
        r.scanStream({ match: `${prefix}scan:*`, count: 50 })
          .on('data', (keys) => keys.forEach((k) => found.add(k)))
          .on('end', resolve)
          .on('error', reject);
      });
      check('SCAN MATCH', [...found].sort(), [...names].sort());
      check('DEL', await r.del(...names), 300);
      r.disconnect();
    },
    async databases(lib, opts, prefix) {
      const zero = await lib.client(opts);
      const one = await lib.client(opts, { db: 1 });
      check('SET in db 1', await one.set(`${prefix}db`, 'one'), 'OK');
      check('GET in db 0', await zero.get(`${prefix}db`), null);
      check('GET in db 1', await one.get(`${prefix}db`), 'one');
      check('DEL', await one.del(`${prefix}db`), 1);
      zero.disconnect();
      one.disconnect();
    },
    async info(lib, opts, prefix) {
      const r = await lib.client(opts);
      await r.set(`${prefix}info`, 'x');
      await r.get(`${prefix}info`);
      // ioredis's own ready check has parsed INFO already; this reads it
      // as its users do.
      const all = parseInfo(await r.info());
      checkThat('redis_version', all.redis_version.startsWith('7.'), all.redis_version);
      checkThat('loading', all.loading === '0', all.loading);
      checkThat('db0', /^keys=\d+,expires=\d+/.test(all.db0), all.db0);
      const stats = parseInfo(await r.info('commandstats'));
      checkThat('cmdstat_get', /^calls=\d+,usec=\d+/.test(stats.cmdstat_get), stats.cmdstat_get);
      check('DEL', await r.del(`${prefix}info`), 1);
      r.disconnect();
    },
  },
};

const SCENARIOS = [
  ['connection', 'connection'],
  ['cache', 'cache'],
  ['pipeline', 'pipeline'],
  ['pub/sub', 'pubsub'],
  ['10 MB value', 'bigValue'],
  ['SCAN', 'scan'],
  ['SELECT 1', 'databases'],
  ['INFO', 'info'],
];

runScenarios('server.js', 'server', [nodeRedis, ioredis], SCENARIOS);
