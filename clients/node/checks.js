// The checks every client script asserts its replies with: a failed one
// throws `Failed`, which the script reports with what was expected and
// what came back.

'use strict';

const assert = require('node:assert/strict');

class Failed extends Error {}

/** Fails unless `got` deeply equals `want`. */
function check(what, got, want) {
  try {
    assert.deepStrictEqual(got, want);
  } catch {
    throw new Failed(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
}

/** Fails unless `ok`; `got` is shown on failure. */
function checkThat(what, ok, got) {
  if (!ok) throw new Failed(`${what}: got ${JSON.stringify(got)}`);
}

/**
 * The command line of a client script: `--port PORT [--password PASSWORD]`,
 * then each library's scenarios in turn, with a prefix of its own run and
 * library (`<kind>:js:<random>:<library>:`). A scenario is `[name, how]`:
 * `how` names a method of `lib.scenarios`, or is a function; either is
 * called as `(lib, { port, password }, prefix)`. Prints one line per scenario
 * passed; on a library's first failure, what was expected and what came
 * back, and goes on to the next library. Exits 1 if any scenario failed.
 */
function runScenarios(script, kind, libraries, scenarios) {
  const argv = process.argv.slice(2);
  const value = (flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const port = Number(value('--port'));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`usage: node ${script} --port PORT [--password PASSWORD]`);
    process.exit(2);
  }
  const opts = { port, password: value('--password') };
  const prefix = `${kind}:js:${require('node:crypto').randomBytes(4).toString('hex')}:`;
  const main = async () => {
    let failed = false;
    for (const lib of libraries) {
      for (const [name, method] of scenarios) {
        try {
          const run = typeof method === 'function' ? method : lib.scenarios[method];
          await run(lib, opts, `${prefix}${lib.key}:`);
        } catch (e) {
          const why = e instanceof Failed ? e.message : `${e.name}: ${e.message}`;
          console.error(`FAILED ${lib.name} ${name}: ${why}`);
          failed = true;
          break;
        }
        console.log(`ok ${lib.name} ${name}`);
      }
    }
    return failed ? 1 : 0;
  };
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`FAILED: ${e.stack ?? e}`);
      process.exit(1);
    },
  );
}

module.exports = { Failed, check, checkThat, runScenarios };
