// Exec plugins that log in interactively (device code, browser): what they print for the user reaches
// onPrompt as it arrives, masked; a cancel ends them; a login prompt extends the timeout to the interactive one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ExecSpec } from '../../../../src/cluster/auth/credentialDescription';
import { DEFAULT_INTERACTIVE_TIMEOUT_MS, runExecPlugin } from '../../../../src/cluster/auth/execPlugin';
import { PromptLines, deviceCodeOf, looksLikeLoginPrompt, maskPromptLine } from '../../../../src/cluster/auth/execPrompt';
import { waitFor } from '../support/session';
import { deviceCodePlugin, isDead } from './fixtures/deviceCode';
import { fakeJwt, tempDir } from './support/fixtures';

const POSIX = process.platform !== 'win32';
const TOKEN = fakeJwt({ sub: 'alice@example.com', iat: 1_700_000_000, exp: 1_700_003_600 });
const CACHED_JWT = fakeJwt({ sub: 'alice@example.com', jti: 'cached-refresh' });
const OPAQUE = 'ya29.a0AfH6SMBxQz3kLm9PqR7sT2uVwXyZ0aB1cD2eF3gH4iJ5kL6mN7oP8';
const PROMPT = 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code HJ8KLM2PQ to authenticate.';

/**
 * The device-code plugin in sh, for the timeout tests: it prints its prompt within milliseconds of its start
 * (Node takes longer than a short timeout to start on a busy machine), then counts 50 ms naps until approved.
 */
function shDevicePlugin(dir: string): { spec: ExecSpec; naps(): number; approve(): void; pid(): number } {
  const script = [
    'echo $$ > "$0/pid"',
    `printf '%s\\n' '${PROMPT}' >&2`,
    'i=0',
    'while [ ! -f "$0/approved" ]; do i=$((i+1)); echo $i > "$0/naps"; sleep 0.05; done',
    'printf \'%s\' "$1"',
  ].join('; ');
  const answer = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: TOKEN } });
  const read = (name: string): number => (existsSync(path.join(dir, name)) ? Number(readFileSync(path.join(dir, name), 'utf8')) || 0 : 0);
  return {
    spec: { command: 'sh', args: ['-c', script, dir, answer], env: [], apiVersion: 'client.authentication.k8s.io/v1', provideClusterInfo: false },
    naps: () => read('naps'),
    approve: () => writeFileSync(path.join(dir, 'approved'), ''),
    pid: () => read('pid'),
  };
}

function withTemp<T>(run: (dir: string) => Promise<T>): () => Promise<T> {
  return async () => {
    const tmp = tempDir('cc-execlogin-');
    try {
      return await run(tmp.dir);
    } finally {
      tmp.remove();
    }
  };
}

describe('interactive exec plugin runs', { skip: !POSIX && 'needs process groups' }, () => {
  it(
    'hands the device-code prompt to onPrompt as it arrives, masked, and never what the plugin prints on stdout',
    { timeout: 15_000 },
    withTemp(async (dir) => {
      const plugin = deviceCodePlugin(dir, TOKEN);
      plugin.secret(`${CACHED_JWT} ${OPAQUE}`);
      const prompts: { text: string; loginPrompt: boolean }[] = [];
      const result = runExecPlugin(plugin.spec, {
        baseEnv: process.env,
        timeoutMs: 10_000,
        onPrompt: (text, loginPrompt) => prompts.push({ text, loginPrompt }),
      });
      let settled = false;
      void result.then(() => (settled = true));
      // The prompt arrives while the plugin still waits: the user needs it before the plugin can answer.
      await waitFor('the second stderr line', () => prompts.length >= 2);
      assert.equal(settled, false);
      assert.deepEqual(prompts[0], { text: PROMPT, loginPrompt: true });
      const secretLine = prompts[1]?.text ?? '';
      assert.match(secretLine, /^debug: cached session eyJ…\[token sha256:[0-9a-f]{8}\] \[masked\]$/);
      assert.ok(!secretLine.includes(CACHED_JWT) && !secretLine.includes(OPAQUE.slice(5)));
      plugin.approve();
      assert.deepEqual(await result, { ok: true, credential: { token: TOKEN } });
      assert.ok(prompts.every((p) => !p.text.includes(TOKEN)));
    }),
  );

  it(
    "cancel ends the plugin's process and settles as cancelled",
    { timeout: 15_000 },
    withTemp(async (dir) => {
      const plugin = deviceCodePlugin(dir, TOKEN);
      const controller = new AbortController();
      let prompted = false;
      const result = runExecPlugin(plugin.spec, { baseEnv: process.env, timeoutMs: 10_000, signal: controller.signal, onPrompt: () => (prompted = true) });
      await waitFor('the login prompt', () => prompted);
      controller.abort();
      const settled = await result;
      assert.deepEqual(settled, {
        ok: false,
        cancelled: true,
        message: `the sign-in through the exec plugin "${process.execPath}" was cancelled before it answered`,
      });
      const [pid] = plugin.starts();
      assert.ok(pid !== undefined && pid > 0);
      await waitFor('the plugin process to be gone', () => isDead(pid));
    }),
  );

  it(
    'does not start a plugin whose signal is already aborted',
    withTemp(async (dir) => {
      const plugin = deviceCodePlugin(dir, TOKEN, 'fast');
      const result = await runExecPlugin(plugin.spec, { baseEnv: process.env, timeoutMs: 10_000, signal: AbortSignal.abort() });
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.cancelled, true);
      assert.deepEqual(plugin.starts(), []);
    }),
  );

  it(
    'lets a plugin that asked for a login wait past the normal timeout',
    { timeout: 15_000 },
    withTemp(async (dir) => {
      const plugin = shDevicePlugin(dir);
      // The normal timeout leaves a loaded machine time to start sh and read its prompt.
      const result = runExecPlugin(plugin.spec, { baseEnv: process.env, timeoutMs: 1_000, interactiveTimeoutMs: 60_000, onPrompt: () => undefined });
      // 61 naps begun, 60 of at least 50 ms done: three times the normal timeout, and it is still running.
      await waitFor('the plugin to wait past the normal timeout', () => plugin.naps() > 60);
      plugin.approve();
      assert.deepEqual(await result, { ok: true, credential: { token: TOKEN } });
    }),
  );

  it(
    'stops a plugin that asked for a login at the interactive timeout, with a sentence',
    { timeout: 15_000 },
    withTemp(async (dir) => {
      const plugin = shDevicePlugin(dir);
      const result = await runExecPlugin(plugin.spec, { baseEnv: process.env, timeoutMs: 1_000, interactiveTimeoutMs: 4_000, onPrompt: () => undefined });
      assert.ok(!result.ok);
      // The seconds are those it waited, which a loaded machine can stretch past 4.
      assert.match(result.message, /^the exec plugin "sh" waited \d+ s for the login to finish and was stopped; sign in again when you are ready/);
      assert.ok(Number(/waited (\d+) s/.exec(result.message)?.[1]) >= 4);
      // More than 20 naps begun: at least 20 of 50 ms done, the whole normal timeout.
      assert.ok(plugin.naps() > 1_000 / 50, 'it ran past the normal timeout');
      const pid = plugin.pid();
      assert.ok(pid > 0);
      await waitFor('the plugin process to be gone', () => isDead(pid));
    }),
  );

  it('keeps the normal timeout for a plugin that asks nothing', { timeout: 15_000 }, async () => {
    const script = `printf 'WARNING: the cached credentials are old\\n' >&2; exec sleep 30`;
    const lines: [string, boolean][] = [];
    const result = await runExecPlugin(
      { command: 'sh', args: ['-c', script], env: [], apiVersion: 'client.authentication.k8s.io/v1', provideClusterInfo: false },
      { baseEnv: process.env, timeoutMs: 2_000, interactiveTimeoutMs: 60_000, onPrompt: (text, loginPrompt) => lines.push([text, loginPrompt]) },
    );
    assert.deepEqual(lines, [['WARNING: the cached credentials are old', false]]);
    assert.deepEqual(result, {
      ok: false,
      message: 'the exec plugin "sh" did not answer within 2 s; run it in a terminal to see whether it waits for input',
    });
  });

  it(
    "puts the failing plugin's stderr in the message, masked, and never its stdout",
    withTemp(async (dir) => {
      const plugin = deviceCodePlugin(dir, TOKEN, 'fail');
      const result = await runExecPlugin(plugin.spec, { baseEnv: process.env, timeoutMs: 10_000 });
      assert.deepEqual(result, {
        ok: false,
        message: `the exec plugin "${process.execPath}" failed with exit code 1: error: AADSTS70043: The refresh token has expired due to inactivity.`,
      });
      assert.equal(plugin.starts().length, 1, 'it ran and printed its credential before failing');
    }),
  );

  it('waits five minutes for a login by default', () => {
    assert.equal(DEFAULT_INTERACTIVE_TIMEOUT_MS, 5 * 60_000);
  });
});

describe('login prompt text', () => {
  it('keeps URLs, device codes and tenant ids readable and masks what looks like a token', () => {
    assert.equal(maskPromptLine(PROMPT), PROMPT);
    const tenant = 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/devicecode';
    assert.equal(maskPromptLine(`open ${tenant}`), `open ${tenant}`);
    assert.equal(maskPromptLine(`got ${OPAQUE} from the cache`), 'got [masked] from the cache');
    assert.equal(maskPromptLine(`session ${'ab12'.repeat(10)}`), 'session [masked]');
    assert.equal(maskPromptLine(`gho_${'A1b2C3d4'.repeat(5)}`), '[masked]');
    assert.match(maskPromptLine(`cached ${TOKEN}`), /^cached eyJ…\[token sha256:[0-9a-f]{8}\]$/);
    assert.equal(maskPromptLine('Bearer abcdefgh12345678'), 'Bearer [masked]');
    // Terminal colours and control characters do not reach a notification.
    assert.equal(maskPromptLine('\u001b[1mOpen the page\u001b[0m\u0007'), 'Open the page');
    assert.equal(maskPromptLine('x'.repeat(2000)).length < 600, true);
  });

  it('recognises a login prompt', () => {
    for (const line of [
      PROMPT,
      'Please visit the following URL in your browser: http://localhost:8000',
      'Attempting to automatically open the SSO authorization page in your default browser.',
      'Then enter the code:',
      'Log in with your device',
      'Signing in to your account',
    ]) {
      assert.ok(looksLikeLoginPrompt(line), line);
    }
    for (const line of ['WARNING: the cluster version is newer than the client', 'error: exit status 1', '']) assert.ok(!looksLikeLoginPrompt(line), line);
  });

  it('finds the page and the device code of kubelogin and AWS SSO prompts', () => {
    assert.deepEqual(deviceCodeOf(PROMPT), { url: 'https://microsoft.com/devicelogin', code: 'HJ8KLM2PQ' });
    const sso = [
      'If the browser does not open, open the following URL:',
      '',
      'https://device.sso.eu-west-1.amazonaws.com/',
      '',
      'Then enter the code:',
      '',
      'WDKX-QTRB',
    ].join('\n');
    assert.deepEqual(deviceCodeOf(sso), { url: 'https://device.sso.eu-west-1.amazonaws.com/', code: 'WDKX-QTRB' });
    assert.deepEqual(deviceCodeOf('error code: FAILED'), {});
  });

  it('cuts a stream into lines across chunk boundaries, split UTF-8 included, and caps what it hands on', () => {
    const lines: string[] = [];
    const cut = new PromptLines((l) => lines.push(l));
    const text = Buffer.from('Öffnen Sie https://example.com/device\r\nand enter the code ABCD-EFGH\npartial');
    // Split inside the two-byte Ö and inside the CRLF.
    cut.push(text.subarray(0, 1));
    cut.push(text.subarray(1, 38));
    cut.push(text.subarray(38));
    assert.deepEqual(lines, ['Öffnen Sie https://example.com/device', 'and enter the code ABCD-EFGH']);
    cut.close();
    assert.deepEqual(lines.slice(2), ['partial']);
    cut.push(Buffer.from('after close\n'));
    assert.equal(lines.length, 3);

    const many: string[] = [];
    const capped = new PromptLines((l) => many.push(l));
    for (let i = 0; i < 200; i++) capped.push(Buffer.from(`${'line '.repeat(40)}${i}\n`));
    capped.close();
    const total = many.reduce((n, l) => n + l.length, 0);
    assert.ok(many.length < 200 && total <= 16 * 1024 + 500, `${many.length} lines, ${total} characters`);
  });
});
