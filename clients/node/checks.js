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

module.exports = { Failed, check, checkThat };
