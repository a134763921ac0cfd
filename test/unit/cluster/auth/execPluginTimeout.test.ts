// Exec plugins that leave a child holding their stdout: the timeout settles at once and ends the whole
// process group; a plugin that answered and exited is not kept waiting by a helper it left running.
import { isDead } from './fixtures/deviceCode';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ExecSpec } from '../../../../src/cluster/auth/credentialDescription';
import { runExecPlugin } from '../../../../src/cluster/auth/execPlugin';
import { tempDir } from './support/fixtures';
import { waitFor } from '../support/session';

const POSIX = process.platform !== 'win32';

function shPlugin(script: string, ...args: string[]): ExecSpec {
  return { command: 'sh', args: ['-c', script, ...args], env: [], apiVersion: 'client.authentication.k8s.io/v1', provideClusterInfo: false };
}

describe('exec plugin timeout', { skip: !POSIX && 'needs sh and process groups' }, () => {
  it('settles on the timeout although a child keeps stdout open', { timeout: 5000 }, async () => {
    const result = await runExecPlugin(shPlugin('sleep 8 & exec sleep 100'), { baseEnv: process.env, timeoutMs: 1000 });
    assert.deepEqual(result, {
      ok: false,
      message: 'the exec plugin "sh" did not answer within 1 s; run it in a terminal to see whether it waits for input',
    });
  });

  it('kills the whole process group, not only the plugin', { timeout: 8000 }, async () => {
    const tmp = tempDir('cc-execgroup-');
    try {
      const pidFile = tmp.file('bg.pid', '');
      const result = await runExecPlugin(shPlugin('sleep 30 & echo $! > "$0"; exec sleep 100', pidFile), { baseEnv: process.env, timeoutMs: 500 });
      assert.equal(result.ok, false);
      const bg = Number(readFileSync(pidFile, 'utf8').trim());
      assert.ok(bg > 0, 'the plugin wrote the pid of its background child');
      await waitFor('the background child to be killed', () => isDead(bg), 3000);
    } finally {
      tmp.remove();
    }
  });

  it('takes the answer of a plugin that exited while a helper it started holds stdout', { timeout: 4000 }, async () => {
    const answer = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'from-plugin' } });
    const result = await runExecPlugin(shPlugin('sleep 8 & printf "%s" "$0"', answer), { baseEnv: process.env, timeoutMs: 10_000 });
    assert.deepEqual(result, { ok: true, credential: { token: 'from-plugin' } });
  });
});
