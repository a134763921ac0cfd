// "Login needed": an exec plugin whose login failed or was cancelled is not run again by itself (not by a
// request, not by a 401, not by a session opened again after a kubeconfig edit) until the user signs in or
// reloads. Every run is recorded; an interactive login is shown only once the plugin asks for it.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CredentialProvider, type ActiveCredential, type CredentialProviderOptions } from '../../../../src/cluster/auth/credentials';
import { DeferredLoginInteraction, type ExecLoginEnd, type ExecLoginInfo, type LoginSurface } from '../../../../src/cluster/auth/execInteraction';
import { ExecRuns, execRunKey } from '../../../../src/cluster/auth/execRuns';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { fingerprint } from '../../../../src/token/fingerprint';
import { waitFor } from '../support/session';
import { type DeviceCodePlugin, deviceCodePlugin, isDead } from './fixtures/deviceCode';
import { type TempDir, fakeJwt, kubeconfigYaml, tempDir } from './support/fixtures';

const POSIX = process.platform !== 'win32';
const IAT = 1_900_000_000;
const TOKEN = fakeJwt({ sub: 'alice@example.com', iat: IAT, exp: IAT + 3600 });
const SIGN_IN = 'run "Cluster Credentials: Sign In to Context" to try again';

/** A surface that remembers what it was asked to show, and can press Cancel. */
class RecordingSurface implements LoginSurface {
  shown: { info: ExecLoginInfo; cancel: () => void; messages: string[]; closed: boolean }[] = [];
  loginsNeeded: { context: string; trigger: string; reason: string }[] = [];
  ends: ExecLoginEnd[] = [];
  codes: { url: string; code: string }[] = [];

  show(info: ExecLoginInfo, cancel: () => void): { message(text: string): void; close(): void } {
    const entry = { info, cancel, messages: [] as string[], closed: false };
    this.shown.push(entry);
    return { message: (text) => entry.messages.push(text), close: () => (entry.closed = true) };
  }

  deviceCode(_info: ExecLoginInfo, code: { url: string; code: string }): void {
    this.codes.push(code);
  }

  loginNeeded(info: ExecLoginInfo, reason: string): void {
    this.loginsNeeded.push({ context: info.context, trigger: info.trigger, reason });
  }

  ended(_info: ExecLoginInfo, result: ExecLoginEnd): void {
    this.ends.push(result);
  }
}

let tmp: TempDir;
let plugin: DeviceCodePlugin;
let runs: ExecRuns;
let surface: RecordingSurface;
let interaction: DeferredLoginInteraction;

beforeEach(() => {
  tmp = tempDir('cc-login-');
  plugin = deviceCodePlugin(tmp.dir, TOKEN);
  runs = new ExecRuns();
  surface = new RecordingSurface();
  // Long enough that only a login prompt can make the view appear during these tests.
  interaction = new DeferredLoginInteraction(surface, { showAfterMs: 60_000 });
});

afterEach(() => {
  interaction.dispose();
  tmp.remove();
});

function provider(user: Record<string, unknown> = { exec: plugin.stanza }, options: Partial<CredentialProviderOptions> = {}): CredentialProvider {
  const file = tmp.file('config', kubeconfigYaml({ server: 'https://127.0.0.1:6443', user, context: 'aks-prod' }));
  const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
  assert.ok(load.ok, !load.ok ? load.message : '');
  return new CredentialProvider(load.kc, 'aks-prod', { trustExecPlugins: true, env: process.env, execRuns: runs, interaction, ...options });
}

const key = (): string => execRunKey('test-user', { command: process.execPath, args: plugin.spec.args });

/** What a request held when the server answered 401. */
function rejected(generation = 1): ActiveCredential {
  return { kind: 'exec', token: TOKEN, fingerprint: fingerprint(TOKEN), generation };
}

describe('exec plugin login needed', { skip: !POSIX && 'needs process groups' }, () => {
  it('shows the prompt, and after Cancel neither a request nor a 401 starts the plugin again; Sign In does', { timeout: 30_000 }, async () => {
    const p = provider();
    const first = p.get();
    const view = await waitFor('the login view', () => surface.shown[0]);
    assert.equal(view.info.context, 'aks-prod');
    assert.equal(view.info.trigger, 'request');
    await waitFor('the prompt in the view', () => view.messages.find((m) => m.includes('https://microsoft.com/devicelogin')));
    assert.deepEqual(surface.codes, [{ url: 'https://microsoft.com/devicelogin', code: 'HJ8KLM2PQ' }]);

    view.cancel();
    const cancelled = await first;
    assert.ok(!cancelled.ok);
    assert.equal(cancelled.problem, 'loginNeeded');
    assert.match(
      cancelled.message,
      /^login needed: the sign-in through the exec plugin ".*" was cancelled before it answered; run "Cluster Credentials: Sign In to Context" to try again$/,
    );
    const [pid] = plugin.starts();
    assert.ok(pid !== undefined);
    await waitFor('the plugin process to be gone', () => isDead(pid));
    assert.equal(view.closed, true);
    assert.equal(runs.last(key())?.outcome, 'cancelled');
    assert.match(runs.last(key())?.message ?? '', /was cancelled/);

    // Not by itself: neither a request, nor a 401, nor the description runs it.
    for (let i = 0; i < 3; i++) {
      const again = await p.get();
      assert.ok(!again.ok && again.problem === 'loginNeeded');
    }
    const refresh = await p.refreshAfterUnauthorized(rejected());
    assert.equal(refresh.retry, false);
    assert.ok(!refresh.result.ok && refresh.result.problem === 'loginNeeded');
    assert.match(p.describe().problem ?? '', /^login needed: .*was cancelled/);
    assert.equal(plugin.starts().length, 1);
    assert.equal(surface.loginsNeeded.length, 1, 'said once, not per request');
    assert.equal(surface.shown.length, 1);

    // The user signs in: the plugin runs again, its login shown again.
    plugin.mode('device');
    const signIn = p.signIn();
    const second = await waitFor('the second login view', () => surface.shown[1]);
    assert.equal(second.info.trigger, 'signIn');
    plugin.approve();
    const signedIn = await signIn;
    assert.equal(signedIn.outcome, 'ok');
    assert.equal(plugin.starts().length, 2);
    const now = await p.get();
    assert.ok(now.ok);
    assert.equal(now.credential.token, TOKEN);
    assert.equal(plugin.starts().length, 2, 'the answer is cached');
    assert.equal(p.describe().problem, undefined);
    assert.deepEqual(runs.last(key()), {
      outcome: 'ok',
      atMs: runs.last(key())?.atMs,
      apiVersion: 'v1',
      clientCertificate: false,
      fingerprint: fingerprint(TOKEN),
      issuedAtSec: IAT,
      // Who the token names (its sub, as an OIDC token without e-mail says it); never the token.
      identity: 'alice@example.com',
    });
  });

  it('says why a failing plugin needs a login, and does not run it again until asked', { timeout: 30_000 }, async () => {
    plugin.mode('fail');
    const p = provider();
    const failed = await p.get();
    assert.ok(!failed.ok);
    assert.equal(failed.problem, 'execFailed');
    assert.match(failed.message, /failed with exit code 1: error: AADSTS70043: The refresh token has expired due to inactivity\.$/);

    const again = await p.get();
    assert.ok(!again.ok);
    assert.equal(again.problem, 'loginNeeded');
    assert.equal(again.message, `login needed: ${failed.message}; ${SIGN_IN}`);
    assert.equal((await p.refreshAfterUnauthorized(rejected())).retry, false);
    assert.equal(plugin.starts().length, 1);
    assert.deepEqual(
      surface.loginsNeeded.map((l) => [l.context, l.trigger, l.reason]),
      [['aks-prod', 'request', failed.message]],
    );
    assert.deepEqual({ outcome: runs.last(key())?.outcome, message: runs.last(key())?.message }, { outcome: 'failed', message: failed.message });

    // A session opened again (the kubeconfig was edited) keeps the state: no new run, no new message.
    const reopened = provider();
    const stillNeeded = await reopened.get();
    assert.ok(!stillNeeded.ok && stillNeeded.problem === 'loginNeeded');
    assert.equal(plugin.starts().length, 1);

    // Reload Credentials is asked for by the user: it runs the plugin.
    plugin.mode('fast');
    const reload = await reopened.reload();
    assert.equal(reload.problem, undefined);
    assert.equal(plugin.starts().length, 2);
    assert.ok((await reopened.get()).ok);
    assert.equal(surface.loginsNeeded.length, 1);
  });

  it('never shows the login of a plugin that answers at once', async () => {
    plugin.mode('fast');
    const p = provider();
    const result = await p.get();
    assert.ok(result.ok);
    assert.equal(plugin.starts().length, 1);
    assert.deepEqual(surface.ends, [{ outcome: 'ok' }], 'the run went through the interaction');
    assert.equal(surface.shown.length, 0);
  });

  it('shows the login of a plugin that asks nothing once it has run for a while', { timeout: 30_000 }, async () => {
    interaction = new DeferredLoginInteraction(surface, { showAfterMs: 50 });
    plugin.mode('slow');
    const p = provider();
    const result = p.get();
    const view = await waitFor('the login view', () => surface.shown[0]);
    assert.deepEqual(view.messages, []);
    plugin.approve();
    assert.ok((await result).ok);
    assert.equal(view.closed, true);
  });

  it('shares one login between two sessions of the same user and command', { timeout: 30_000 }, async () => {
    const a = provider();
    const b = provider();
    const first = a.get();
    await waitFor('the login view', () => surface.shown[0]);
    const second = b.get();
    plugin.approve();
    const [ra, rb] = await Promise.all([first, second]);
    assert.ok(ra.ok && rb.ok);
    assert.equal(plugin.starts().length, 1);
    assert.equal(surface.shown.length, 1);
  });

  it('re-runs a plugin once after a 401 that follows a successful run', async () => {
    plugin.mode('fast');
    const p = provider();
    const first = await p.get();
    assert.ok(first.ok);
    const refresh = await p.refreshAfterUnauthorized(first.credential);
    assert.equal(refresh.retry, true);
    assert.equal(plugin.starts().length, 2);
  });

  it('keeps a credential still valid after a cancelled sign-in, and asks for a login once a 401 rejects it', { timeout: 30_000 }, async () => {
    plugin.mode('fast');
    const p = provider();
    const first = await p.get();
    assert.ok(first.ok);
    plugin.mode('device');
    const signIn = p.signIn();
    const view = await waitFor('the login view', () => surface.shown[0]);
    view.cancel();
    assert.equal((await signIn).outcome, 'cancelled');
    assert.deepEqual(surface.loginsNeeded, [], 'Sign In says its own outcome');
    const still = await p.get();
    assert.ok(still.ok, 'the earlier credential is still valid');
    const refresh = await p.refreshAfterUnauthorized(first.credential);
    assert.equal(refresh.retry, false);
    assert.ok(!refresh.result.ok && refresh.result.problem === 'loginNeeded');
    assert.ok(!(await p.get()).ok);
    assert.equal(plugin.starts().length, 2);
  });

  it('has nothing to sign in to without an exec plugin', async () => {
    const p = provider({ token: TOKEN });
    assert.deepEqual(await p.signIn(), { outcome: 'notExec' });
  });

  it('does not run an untrusted plugin on Sign In', async () => {
    const p = provider({ exec: plugin.stanza }, { trustExecPlugins: false });
    const result = await p.signIn();
    assert.equal(result.outcome, 'unavailable');
    assert.equal(plugin.starts().length, 0);
  });
});
