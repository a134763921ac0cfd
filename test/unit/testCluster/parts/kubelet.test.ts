import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { Clock } from '../../../cluster/clock';
import { Kubelet, refreshDue, type KubeletPod } from '../../../cluster/kubelet';
import { TokenIssuer } from '../../../cluster/tokenIssuer';
import { decodeParts } from './fixtures';

const START = 1_795_317_531_000;
const T0 = START / 1000;
const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const VAULT = '/var/run/secrets/vault/token';

function pod(over: Partial<KubeletPod> = {}): KubeletPod {
  return {
    namespace: 'payments',
    name: 'api-5d7897cc66-fvxwl',
    uid: 'pod-1',
    serviceAccount: { name: 'api', uid: 'sa-1' },
    nodeName: 'node-a',
    running: true,
    tokens: [{ volume: 'kube-api-access-abcde', path: TOKEN, expirationSeconds: 3607 }],
    ...over,
  };
}

function claims(token: string | undefined): Record<string, unknown> {
  assert.ok(token !== undefined, 'no token file');
  return decodeParts(token).payload;
}

describe('Kubelet', () => {
  let issuer: TokenIssuer;
  before(() => {
    issuer = TokenIssuer.create();
  });

  it('writes a pod-bound token on the first sync, with the node it runs on', () => {
    const clock = new Clock(START);
    const kubelet = new Kubelet(issuer, clock, { name: 'node-a', uid: 'node-uid' });
    kubelet.sync([pod()]);
    const c = claims(kubelet.readFile('pod-1', TOKEN));
    assert.deepEqual(c['kubernetes.io'], {
      namespace: 'payments',
      node: { name: 'node-a', uid: 'node-uid' },
      pod: { name: 'api-5d7897cc66-fvxwl', uid: 'pod-1' },
      serviceaccount: { name: 'api', uid: 'sa-1' },
      warnafter: T0 + 3607,
    });
    assert.deepEqual(c.aud, issuer.apiAudiences);
    assert.equal(kubelet.written('pod-1').length, 1);
  });

  it('names a node it does not know without a uid, and no node without nodeName', () => {
    const kubelet = new Kubelet(issuer, new Clock(START), { name: 'node-a', uid: 'node-uid' });
    kubelet.sync([pod({ uid: 'p-ghost', nodeName: 'node-ghost' }), pod({ uid: 'p-none', nodeName: undefined })]);
    assert.deepEqual((claims(kubelet.readFile('p-ghost', TOKEN))['kubernetes.io'] as Record<string, unknown>).node, { name: 'node-ghost' });
    assert.equal((claims(kubelet.readFile('p-none', TOKEN))['kubernetes.io'] as Record<string, unknown>).node, undefined);
  });

  it('writes nothing for a pod that is not running', () => {
    const kubelet = new Kubelet(issuer, new Clock(START));
    kubelet.sync([pod({ running: false })]);
    assert.equal(kubelet.readFile('pod-1', TOKEN), undefined);
    assert.deepEqual(kubelet.written('pod-1'), []);
  });

  it('refreshes a 3607 s token at 80 % of 3607 s although its exp is a year away, not a moment before', () => {
    const clock = new Clock(START);
    const kubelet = new Kubelet(issuer, clock);
    kubelet.sync([pod()]);
    const first = kubelet.written('pod-1', TOKEN)[0];
    assert.ok(first !== undefined);
    assert.equal(first.issued.exp - first.issued.iat, 365 * 24 * 3600);
    // 20 % of 3607 with integer division is 721: due at iat + 2886.
    assert.equal(kubelet.refreshDueSeconds('pod-1', TOKEN), T0 + 2886);
    clock.advance(2886);
    kubelet.sync([pod()]);
    assert.equal(kubelet.readFile('pod-1', TOKEN), first.issued.token);
    clock.advance(0.001);
    kubelet.sync([pod()]);
    const history = kubelet.written('pod-1', TOKEN);
    assert.equal(history.length, 2);
    assert.notEqual(kubelet.readFile('pod-1', TOKEN), first.issued.token);
    assert.equal(history[1]?.issued.iat, T0 + 2886);
  });

  it('refreshes a 600 s token after 480 s', () => {
    const clock = new Clock(START);
    const kubelet = new Kubelet(issuer, clock);
    const p = pod({ tokens: [{ volume: 'v', path: TOKEN, expirationSeconds: 600 }] });
    kubelet.sync([p]);
    clock.advance(480);
    kubelet.sync([p]);
    assert.equal(kubelet.written('pod-1').length, 1);
    clock.advance(1);
    kubelet.sync([p]);
    assert.equal(kubelet.written('pod-1').length, 2);
  });

  it('refreshes at 24 h after iat when that comes before 80 % of a longer lifetime', () => {
    const uncapped = TokenIssuer.create({ maxExpirationSeconds: 0, privateKeyPem: issuer.privateKeyPem() });
    const clock = new Clock(START);
    const kubelet = new Kubelet(uncapped, clock);
    const p = pod({ tokens: [{ volume: 'v', path: TOKEN, expirationSeconds: 7 * 86400 }] });
    kubelet.sync([p]);
    assert.equal(kubelet.refreshDueSeconds('pod-1', TOKEN), T0 + 86400);
    clock.advance(86400);
    kubelet.sync([p]);
    assert.equal(kubelet.written('pod-1').length, 1);
    clock.advance(1);
    kubelet.sync([p]);
    assert.equal(kubelet.written('pod-1').length, 2);
  });

  it('after a big clock jump writes one token stamped with the current time', () => {
    const clock = new Clock(START);
    const kubelet = new Kubelet(issuer, clock);
    kubelet.sync([pod()]);
    clock.advance(10 * 86400);
    kubelet.sync([pod()]);
    const history = kubelet.written('pod-1', TOKEN);
    assert.equal(history.length, 2);
    assert.equal(history[1]?.issued.iat, T0 + 10 * 86400);
    assert.equal(history[1]?.writtenAtSeconds, T0 + 10 * 86400);
  });

  it('a stalled pod keeps its file: exp and iat stop moving until it is released', () => {
    const clock = new Clock(START);
    const kubelet = new Kubelet(issuer, clock);
    const p = pod({ tokens: [{ volume: 'v', path: TOKEN, expirationSeconds: 600 }] });
    kubelet.sync([p]);
    const stuck = kubelet.readFile('pod-1', TOKEN);
    kubelet.stall('pod-1', true);
    for (let i = 0; i < 5; i++) {
      clock.advance(600);
      kubelet.sync([p]);
    }
    assert.equal(kubelet.readFile('pod-1', TOKEN), stuck);
    assert.equal(claims(kubelet.readFile('pod-1', TOKEN)).exp, T0 + 600);
    kubelet.stall('pod-1', false);
    kubelet.sync([p]);
    assert.equal(claims(kubelet.readFile('pod-1', TOKEN)).exp, T0 + 3000 + 600);
  });

  it('a custom audience source gets its audience and no extension', () => {
    const kubelet = new Kubelet(issuer, new Clock(START));
    kubelet.sync([pod({ tokens: [{ volume: 'vault-token', path: VAULT, audience: 'vault', expirationSeconds: 3607 }] })]);
    const c = claims(kubelet.readFile('pod-1', VAULT));
    assert.deepEqual(c.aud, ['vault']);
    assert.equal(c.exp, T0 + 3607);
  });

  it('keeps separate histories per file, oldest first across files', () => {
    const clock = new Clock(START);
    const kubelet = new Kubelet(issuer, clock);
    const p = pod({
      tokens: [
        { volume: 'a', path: TOKEN, expirationSeconds: 3607 },
        { volume: 'b', path: VAULT, audience: 'vault', expirationSeconds: 600 },
      ],
    });
    kubelet.sync([p]);
    clock.advance(481);
    kubelet.sync([p]);
    assert.equal(kubelet.written('pod-1', TOKEN).length, 1);
    assert.equal(kubelet.written('pod-1', VAULT).length, 2);
    const all = kubelet.written('pod-1');
    assert.equal(all.length, 3);
    assert.deepEqual(
      all.map((w) => w.writtenAtSeconds),
      [T0, T0, T0 + 481],
    );
  });

  it('forgets pods that are no longer listed', () => {
    const kubelet = new Kubelet(issuer, new Clock(START));
    kubelet.sync([pod()]);
    kubelet.sync([]);
    assert.equal(kubelet.readFile('pod-1', TOKEN), undefined);
    assert.deepEqual(kubelet.written('pod-1'), []);
  });

  it('records why a token could not be minted and writes no file', () => {
    const kubelet = new Kubelet(issuer, new Clock(START));
    kubelet.sync([pod({ tokens: [{ volume: 'v', path: TOKEN, expirationSeconds: 300 }] })]);
    assert.equal(kubelet.readFile('pod-1', TOKEN), undefined);
    assert.match(kubelet.lastError('pod-1', TOKEN) ?? '', /may not specify a duration less than 10 minutes/);
  });

  it('refreshDue follows the TokenRequest status, not the JWT exp', () => {
    const r = issuer.issue({
      namespace: 'n',
      serviceAccount: { name: 'a', uid: 'u' },
      expirationSeconds: 3607,
      nowSeconds: 1000,
      boundObject: { kind: 'Pod', name: 'p', uid: 'pu' },
    });
    assert.ok(r.ok);
    assert.equal(refreshDue(r.issued), 1000 + 3607 - 721);
  });
});
