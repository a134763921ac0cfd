// `tokenFile` is the key kubectl reads; `token-file` (read by client-node) is ignored by kubectl, so by us too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { ignoredTokenFileMessage } from '../../../../src/cluster/auth/credentialDescription';
import { FakeClock, type TempDir, fakeJwt } from './support/fixtures';
import { clientsFor } from './support/clients';
import { type RecordingServer, useRecordingServer } from './support/recordingServer';

let server: RecordingServer;
let tmp: TempDir;

useRecordingServer(
  'cc-tokenfilekey-',
  (s) => (server = s),
  (t) => (tmp = t),
);

const FILE_TOKEN = fakeJwt({ sub: 'system:serviceaccount:payments:api', exp: 1_900_000_000, jti: 'file' });
const INLINE_TOKEN = fakeJwt({ sub: 'system:serviceaccount:payments:api', exp: 1_900_003_600, jti: 'inline' });

const sent = (): (string | undefined)[] => server.requests.map((r) => r.authorization);

describe('tokenFile and token-file, as kubectl reads them', () => {
  it('sends the token of a tokenFile', async () => {
    server.acceptTokens.add(FILE_TOKEN);
    const { clients, provider } = clientsFor(tmp, server, { tokenFile: tmp.file('token', `${FILE_TOKEN}\n`) });
    await clients.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });
    assert.deepEqual(sent(), [`Bearer ${FILE_TOKEN}`]);
    assert.equal(provider.describe().kind, 'tokenFile');
  });

  it('ignores token-file: no credential is sent, and the description says why', async () => {
    const { clients, provider } = clientsFor(tmp, server, { 'token-file': tmp.file('token', FILE_TOKEN) });
    await clients
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: 'payments' })
      .catch(() => undefined);
    assert.deepEqual(sent(), [undefined]);
    const d = provider.describe();
    assert.equal(d.kind, 'none');
    assert.equal(d.problem, ignoredTokenFileMessage());
  });

  it('with token and tokenFile, sends the file (client-go re-reads it) and falls back to the inline token', async () => {
    const clock = new FakeClock();
    server.acceptTokens.add(FILE_TOKEN).add(INLINE_TOKEN);
    const file = tmp.file('token', FILE_TOKEN);
    const { clients } = clientsFor(tmp, server, { token: INLINE_TOKEN, tokenFile: file }, { nowMs: clock.now });
    await clients.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });
    assert.deepEqual(sent(), [`Bearer ${FILE_TOKEN}`]);

    const { clients: unreadable } = clientsFor(tmp, server, { token: INLINE_TOKEN, tokenFile: `${tmp.dir}/never` }, { nowMs: clock.now });
    await unreadable.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });
    assert.deepEqual(sent(), [`Bearer ${FILE_TOKEN}`, `Bearer ${INLINE_TOKEN}`]);
  });

  it('with token and token-file, sends the token and still flags the ignored key', async () => {
    server.acceptTokens.add(INLINE_TOKEN);
    const { clients, provider } = clientsFor(tmp, server, { token: INLINE_TOKEN, 'token-file': tmp.file('token', FILE_TOKEN) });
    await clients.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });
    assert.deepEqual(sent(), [`Bearer ${INLINE_TOKEN}`]);
    assert.equal(provider.describe().kind, 'token');
    assert.match(provider.describe().problem ?? '', /kubectl ignores it: did you mean "tokenFile"\?/);
  });
});

describe('reload after the kubeconfig was re-read', () => {
  it('counts an edited static token as a change, even with the same expiry', async () => {
    const same = { sub: 'system:serviceaccount:payments:api', exp: 1_900_000_000 };
    const oldToken = fakeJwt({ ...same, jti: 'old' });
    const fixedToken = fakeJwt({ ...same, jti: 'fixed' });
    const { provider: before } = clientsFor(tmp, server, { token: oldToken });
    const { provider: after } = clientsFor(tmp, server, { token: fixedToken });
    assert.equal((await after.reload()).changed, false, 'alone, the new session sees no change');
    const result = await after.reload(before.describe());
    assert.equal(result.changed, true);
    const current = await after.get();
    assert.ok(current.ok);
    assert.equal(current.credential.token, fixedToken);
  });
});
