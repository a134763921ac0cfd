// What the fake exec plugins share: failing as a plugin fails (a line on stderr, an exit code), their
// arguments, the test cluster's clock, the run log a test counts, KUBERNETES_EXEC_INFO and RFC 3339 times.
// Only node: builtins, for any Node 20+, as the plugins themselves.

import { appendFileSync, readFileSync } from 'node:fs';

/** A line on stderr and the exit code (the AWS CLI exits 255, the others 1), as the real plugins fail. */
export function fail(message, exitCode = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(exitCode);
}

/** `--name value` and `--name=value`; the rest are positional words. */
export function parseArgs(argv) {
  const flags = new Map();
  const words = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      words.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags.set(a.slice(2), argv[++i]);
    else flags.set(a.slice(2), '');
  }
  return { flags, words };
}

/** The test cluster's time from CC_FAKE_CLOCK_FILE: `{"nowMs":N}` for a clock that stands still, `{"offsetMs":N}` from the wall clock for one that flows. */
export function nowMs() {
  const file = process.env.CC_FAKE_CLOCK_FILE;
  if (file === undefined || file === '') return Date.now();
  try {
    const clock = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof clock.nowMs === 'number') return clock.nowMs;
    return Date.now() + (typeof clock.offsetMs === 'number' ? clock.offsetMs : 0);
  } catch {
    return Date.now();
  }
}

/** One line in CC_FAKE_PLUGIN_RUNS per start: how a test tells whether (and how often) the plugin ran. */
export function recordRun(plugin) {
  const file = process.env.CC_FAKE_PLUGIN_RUNS;
  if (file !== undefined && file !== '') appendFileSync(file, `${new Date().toISOString()} ${plugin} pid=${process.pid}\n`);
}

/** What kubectl hands the plugin in KUBERNETES_EXEC_INFO (apiVersion, spec.interactive), or {} without it. */
export function execInfo() {
  try {
    const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO ?? '');
    return typeof info === 'object' && info !== null ? info : {};
  } catch {
    return {};
  }
}

/** Seconds since the epoch as an RFC 3339 time without fraction, as the plugins print expirationTimestamp. */
export function rfc3339(seconds) {
  return new Date(Math.floor(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
