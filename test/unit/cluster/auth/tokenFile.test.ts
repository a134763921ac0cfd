import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { FakeClock, type TempDir, fakeJwt } from './support/fixtures';
import { clientsFor } from './support/clients';
import { type RecordingServer, useRecordingServer } from './support/recordingServer';

let server: RecordingServer;
let tmp: TempDir;

useRecordingServer(
  'cc-tokenfile-',
  (s) => (server = s),
  (t) => (tmp = t),
);

const TOKEN_A = fakeJwt({ sub: 'system:serviceaccount:payments:api', exp: 1_900_000_000, jti: 'a' });
const TOKEN_B = fakeJwt({ sub: 'system:serviceaccount:payments:api', exp: 1_900_003_600, jti: 'b' });
const TOKEN_C = fakeJwt({ sub: 'system:serviceaccount:payments:api', exp: 1_900_007_200, jti: 'c' });

const sent = (): (string | undefined)[] => server.requests.map((r) => r.authorization);

describe('token file credentials', () => {
  it('carries a rotated token on the first request after the once-a-minute window', async () => {
    const clock = new FakeClock();
    const tokenFile = tmp.file('token', TOKEN_A);
    server.acceptTokens.add(TOKEN_A).add(TOKEN_B);
    const { clients } = clientsFor(tmp, server, { tokenFile }, { nowMs: clock.now });
    const core = clients.makeApiClient(CoreV1Api);

    await core.listNamespacedPod({ namespace: 'payments' });
    writeFileSync(tokenFile, TOKEN_B);
    clock.advance(30);
    await core.listNamespacedPod({ namespace: 'payments' });
    clock.advance(31);
    await core.listNamespacedPod({ namespace: 'payments' });

    // Inside the minute the file is not looked at; the first request after it carries the new token.
    assert.deepEqual(sent(), [`Bearer ${TOKEN_A}`, `Bearer ${TOKEN_A}`, `Bearer ${TOKEN_B}`]);
  });

  it('keeps the last good token while the file is missing or empty, and picks up the next good one', async () => {
    const clock = new FakeClock();
    const tokenFile = tmp.file('token', TOKEN_A);
    server.acceptTokens.add(TOKEN_A).add(TOKEN_C);
    const { clients, provider } = clientsFor(tmp, server, { tokenFile }, { nowMs: clock.now });
    const core = clients.makeApiClient(CoreV1Api);
    await core.listNamespacedPod({ namespace: 'payments' });

    rmSync(tokenFile);
    clock.advance(61);
    await core.listNamespacedPod({ namespace: 'payments' });
    assert.match(provider.describe().problem ?? '', /cannot be read \(ENOENT\); still using the token read before/);

    writeFileSync(tokenFile, '  \n');
    clock.advance(61);
    await core.listNamespacedPod({ namespace: 'payments' });
    assert.match(provider.describe().problem ?? '', /is empty; still using the token read before/);

    writeFileSync(tokenFile, `${TOKEN_C}\n`);
    clock.advance(61);
    await core.listNamespacedPod({ namespace: 'payments' });
    assert.equal(provider.describe().problem, undefined);

    assert.deepEqual(sent(), [`Bearer ${TOKEN_A}`, `Bearer ${TOKEN_A}`, `Bearer ${TOKEN_A}`, `Bearer ${TOKEN_C}`]);
  });

  it('re-reads the file after a 401 and retries once with the new token', async () => {
    const clock = new FakeClock();
    const tokenFile = tmp.file('token', TOKEN_A);
    server.acceptTokens.add(TOKEN_A);
    const { clients, unauthorized } = clientsFor(tmp, server, { tokenFile }, { nowMs: clock.now });
    const core = clients.makeApiClient(CoreV1Api);
    await core.listNamespacedPod({ namespace: 'payments' });

    // The token was rotated and the old one revoked before the minute is up.
    writeFileSync(tokenFile, TOKEN_B);
    server.acceptTokens.clear();
    server.acceptTokens.add(TOKEN_B);
    await core.listNamespacedPod({ namespace: 'payments' });

    assert.deepEqual(sent(), [`Bearer ${TOKEN_A}`, `Bearer ${TOKEN_A}`, `Bearer ${TOKEN_B}`]);
    assert.equal(unauthorized.length, 1);
    assert.equal(unauthorized[0].retried, true);
    assert.equal(unauthorized[0].recovered, true);
    assert.equal(unauthorized[0].path, '/api/v1/namespaces/payments/pods');
  });

  it('does not retry a 401 when the file still holds the rejected token', async () => {
    const tokenFile = tmp.file('token', TOKEN_A);
    const { clients, unauthorized } = clientsFor(tmp, server, { tokenFile });
    const core = clients.makeApiClient(CoreV1Api);
    const err = await core.listNamespacedPod({ namespace: 'payments' }).then(
      () => assert.fail('the server accepts no token'),
      (e: unknown) => e,
    );
    const classified = clients.classify(err);
    assert.equal(classified.kind, 'unauthorized');
    assert.equal(classified.status, 401);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(
      unauthorized.map((e) => e.retried),
      [false],
    );
    assert.ok(!classified.message.includes(TOKEN_A));
  });

  it('fails with a sentence when the file has never been readable', async () => {
    const { clients } = clientsFor(tmp, server, { tokenFile: `${tmp.dir}/never` });
    const core = clients.makeApiClient(CoreV1Api);
    const err = await core.listNamespacedPod({ namespace: 'payments' }).then(
      () => assert.fail('no token to send'),
      (e: unknown) => e,
    );
    const classified = clients.classify(err);
    assert.equal(classified.kind, 'unauthorized');
    assert.match(classified.message, /the token file .*never cannot be read \(ENOENT\); check that the file exists/);
    assert.equal(server.requests.length, 0);
  });

  it('reload() re-reads at once and reports the expiry before and after', async () => {
    const clock = new FakeClock();
    const tokenFile = tmp.file('token', TOKEN_A);
    const { provider } = clientsFor(tmp, server, { tokenFile }, { nowMs: clock.now });
    const first = await provider.get();
    assert.ok(first.ok);
    writeFileSync(tokenFile, TOKEN_B);
    assert.deepEqual(await provider.reload(), { expiryBeforeSec: 1_900_000_000, expiryAfterSec: 1_900_003_600, changed: true });
    const second = await provider.get();
    assert.ok(second.ok);
    assert.equal(second.credential.token, TOKEN_B);
  });
});
