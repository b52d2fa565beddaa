#!/usr/bin/env node
// node-redis's and ioredis's transactions and scripts, run against sharedkv
// (or any Redis), on each library's default settings.
//
// What applications build on MULTI/EXEC, WATCH and EVAL: `multi().exec()`
// (one reply per command; an error inside it in its slot, nothing rolled
// back), an optimistic counter with WATCH from four connections at once
// that must count exactly, and scripts: node-redis's `EVAL`/`EVALSHA`
// with `SCRIPT LOAD`, and ioredis's `defineCommand` (EVALSHA, then EVAL
// on NOSCRIPT).
//
// Every key lives under a prefix of its own run and library
// (`tx:js:<random>:<library>:`), and each scenario deletes what it wrote.
//
//     node clients/node/transactions.js --port 6379 [--password secret]
//
// Prints one line per scenario passed. On a library's first failure it
// prints what was expected and what came back and goes on to the next
// library; it exits 1 if any scenario failed.

'use strict';

const crypto = require('node:crypto');
const { createClient } = require('redis');
const Redis = require('ioredis');
const { Failed, check, checkThat, runScenarios } = require('./checks');

const NODE_REDIS_VERSION = require('redis/package.json').version;
const IOREDIS_VERSION = require('ioredis/package.json').version;

/** Runs `increment` 50 times on each of four connections at once. */
async function fourAtOnce(connect, increment) {
  const clients = await Promise.all([0, 1, 2, 3].map(() => connect()));
  await Promise.all(clients.map(async (c) => {
    for (let i = 0; i < 50; i++) {
      while (!(await increment(c))) { /* a watched key changed: again */ }
    }
  }));
  await Promise.all(clients.map((c) => c.quit()));
}

const INCR_BY = "return redis.call('INCRBY', KEYS[1], ARGV[1])";

const nodeRedis = {
  name: `node-redis ${NODE_REDIS_VERSION}`,
  key: 'node-redis',
  async connect(opts) {
    const client = createClient({ socket: { host: '127.0.0.1', port: opts.port }, password: opts.password });
    client.on('error', () => {});
    await client.connect();
    return client;
  },
  scenarios: {
    async multi(lib, opts, prefix) {
      const r = await lib.connect(opts);
      const k = `${prefix}counter`;
      check('multi().exec()', await r.multi().set(k, '1').incr(k).incrBy(k, 5).get(k).exec(), ['OK', 2, 7, '7']);
      await r.rPush(`${prefix}list`, 'x');
      // node-redis rejects a transaction with an error in it, and hands
      // every reply over with the rejection.
      const replies = await r.multi().set(k, '10').incr(`${prefix}list`).incr(k).exec().then(
        () => { throw new Failed('a transaction with an error resolved'); },
        (e) => { checkThat('the failed slots', e.errorIndexes?.length === 1 && e.errorIndexes[0] === 1, e.errorIndexes); return e.replies; },
      );
      check('the first reply', replies[0], 'OK');
      checkThat('the error in its slot', replies[1] instanceof Error && /WRONGTYPE/.test(replies[1].message), replies[1]);
      check('the third reply', replies[2], 11);
      check('DEL', await r.del([k, `${prefix}list`]), 2);
      await r.quit();
    },
    async watch(lib, opts, prefix) {
      const k = `${prefix}watched`;
      await fourAtOnce(() => lib.connect(opts), async (c) => {
        await c.watch(k);
        const value = Number((await c.get(k)) ?? 0);
        try {
          const done = await c.multi().set(k, String(value + 1)).exec();
          return done !== null;
        } catch (e) {
          if (e.constructor.name === 'WatchError' || /watched keys has been changed/.test(e.message)) return false;
          throw e;
        }
      });
      const r = await lib.connect(opts);
      check('the counter', await r.get(k), '200');
      check('DEL', await r.del(k), 1);
      await r.quit();
    },
    async scripts(lib, opts, prefix) {
      const r = await lib.connect(opts);
      const k = `${prefix}scripted`;
      const sha = await r.scriptLoad(INCR_BY);
      check('SCRIPT LOAD', sha, crypto.createHash('sha1').update(INCR_BY).digest('hex'));
      check('EVALSHA', await r.evalSha(sha, { keys: [k], arguments: ['5'] }), 5);
      check('EVAL', await r.eval(INCR_BY, { keys: [k], arguments: ['2'] }), 7);
      check('SCRIPT EXISTS', await r.scriptExists([sha, 'f'.repeat(40)]), [1, 0]);
      check('DEL', await r.del(k), 1);
      await r.quit();
    },
  },
};

const ioredis = {
  name: `ioredis ${IOREDIS_VERSION}`,
  key: 'ioredis',
  async connect(opts) {
    const r = new Redis({ host: '127.0.0.1', port: opts.port, password: opts.password, lazyConnect: true });
    await r.connect();
    return r;
  },
  scenarios: {
    async multi(lib, opts, prefix) {
      const r = await lib.connect(opts);
      const k = `${prefix}counter`;
      check('multi().exec()', await r.multi().set(k, '1').incr(k).incrby(k, 5).get(k).exec(),
        [[null, 'OK'], [null, 2], [null, 7], [null, '7']]);
      await r.rpush(`${prefix}list`, 'x');
      const replies = await r.multi().set(k, '10').incr(`${prefix}list`).incr(k).exec();
      check('the first reply', replies[0], [null, 'OK']);
      checkThat('the error in its slot', replies[1][0] instanceof Error && /WRONGTYPE/.test(replies[1][0].message), replies[1]);
      check('the third reply', replies[2], [null, 11]);
      check('DEL', await r.del(k, `${prefix}list`), 2);
      r.disconnect();
    },
    async watch(lib, opts, prefix) {
      const k = `${prefix}watched`;
      await fourAtOnce(() => lib.connect(opts), async (c) => {
        await c.watch(k);
        const value = Number((await c.get(k)) ?? 0);
        // null when a watched key changed.
        return (await c.multi().set(k, String(value + 1)).exec()) !== null;
      });
      const r = await lib.connect(opts);
      check('the counter', await r.get(k), '200');
      check('DEL', await r.del(k), 1);
      r.disconnect();
    },
    async scripts(lib, opts, prefix) {
      const r = await lib.connect(opts);
      const k = `${prefix}scripted`;
      r.defineCommand('incrByScript', { numberOfKeys: 1, lua: INCR_BY });
      check('defineCommand, first call', await r.incrByScript(k, 5), 5);
      check('defineCommand, again', await r.incrByScript(k, 2), 7);
      check('in a pipeline', await r.pipeline().incrByScript(k, 1).get(k).exec(), [[null, 8], [null, '8']]);
      check('DEL', await r.del(k), 1);
      r.disconnect();
    },
  },
};

const SCENARIOS = [
  ['multi().exec()', 'multi'],
  ['WATCH counter', 'watch'],
  ['scripts', 'scripts'],
];

runScenarios('transactions.js', 'tx', [nodeRedis, ioredis], SCENARIOS);
