// Malformed bodies, paths and parameters get Status answers, never a crash: after each batch
// the server still answers /version.

import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { send, type Reply } from './support/https';

function status(reply: Reply): { kind?: string; reason?: string; message?: string; code?: number } {
  return reply.json ?? {};
}

describe('malformed requests', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
  });
  after(async () => {
    await cluster.stop();
  });

  async function stillAlive(): Promise<void> {
    assert.equal((await send(cluster, { path: '/version' })).status, 200);
  }

  it('answers 400 for bodies that are not a JSON object', async () => {
    for (const body of ['{not json', '[]', '42', '"pod"', 'null', '']) {
      const reply = await send(cluster, { method: 'POST', path: '/api/v1/namespaces/payments/configmaps', body });
      assert.equal(reply.status, 400, `body ${JSON.stringify(body)}: ${reply.text}`);
      assert.equal(status(reply).kind, 'Status');
      assert.equal(status(reply).reason, 'BadRequest');
    }
    const typed = await send(cluster, { method: 'POST', path: '/api/v1/namespaces/payments/configmaps', body: { metadata: { name: 7 } } });
    assert.equal(typed.status, 400);
    await stillAlive();
  });

  it('answers 422 for an invalid name and 400 for a kind that does not belong to the path', async () => {
    const bad = await send(cluster, { method: 'POST', path: '/api/v1/namespaces/payments/configmaps', body: { metadata: { name: 'Not_Valid' } } });
    assert.equal(bad.status, 422);
    assert.equal(status(bad).reason, 'Invalid');
    assert.match(status(bad).message ?? '', /^ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain/);
    const wrongKind = await send(cluster, {
      method: 'POST',
      path: '/api/v1/namespaces/payments/configmaps',
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } },
    });
    assert.equal(wrongKind.status, 400);
  });

  it('answers 415 for a PATCH with an unsupported content type and 422 for a patch that cannot apply', async () => {
    const wrong = await send(cluster, {
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/payments/deployments/api',
      body: { spec: {} },
      contentType: 'application/json',
    });
    assert.equal(wrong.status, 415);
    assert.equal(status(wrong).message, '415: Unsupported Media Type');
    const broken = await send(cluster, {
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/payments/deployments/api',
      body: '{"spec":',
      contentType: 'application/merge-patch+json',
    });
    assert.equal(broken.status, 400);
    const jsonPatch = await send(cluster, {
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/payments/deployments/api',
      body: [{ op: 'remove', path: '/spec/nothing/here' }],
      contentType: 'application/json-patch+json',
    });
    assert.equal(jsonPatch.status, 422);
    await stillAlive();
  });

  it('answers 409 for a PUT with a stale resourceVersion and 405 for a method a path does not take', async () => {
    const current = await send(cluster, { path: '/apis/apps/v1/namespaces/payments/deployments/api' });
    const body = current.json as { metadata: { resourceVersion: string } };
    const stale = await send(cluster, {
      method: 'PUT',
      path: '/apis/apps/v1/namespaces/payments/deployments/api',
      body: { ...body, metadata: { ...body.metadata, resourceVersion: '1' } },
    });
    assert.equal(stale.status, 409);
    assert.equal(
      status(stale).message,
      'Operation cannot be fulfilled on deployments.apps "api": the object has been modified; please apply your changes to the latest version and try again',
    );
    const fresh = await send(cluster, { method: 'PUT', path: '/apis/apps/v1/namespaces/payments/deployments/api', body });
    assert.equal(fresh.status, 200);
    const post = await send(cluster, { method: 'POST', path: '/api/v1/namespaces/payments/pods/vault-client', body: {} });
    assert.equal(post.status, 405);
    assert.equal(status(post).reason, 'MethodNotAllowed');
  });

  it('answers 404 and 400 for odd paths and parameters', async () => {
    const cases: [string, number][] = [
      ['/api/v1/namespaces/payments/pods/nope', 404],
      ['/api/v9/pods', 404],
      ['/apis/nope.example.com/v1/things', 404],
      ['/api/v1/namespaces/payments/pods/a/b/c/d', 404],
      ['/api/v1/namespaces/%ZZ/pods', 200],
      ['/api/v1/pods?limit=-1', 400],
      ['/api/v1/pods?limit=abc', 400],
      ['/api/v1/pods?continue=not-a-token', 400],
      ['/api/v1/pods?labelSelector=app%20in%20(a', 400],
      ['/api/v1/pods?fieldSelector=spec.bogus%3Dx', 400],
      ['/api/v1/pods?watch=1&resourceVersion=abc', 400],
      ['/nothing/here', 404],
    ];
    for (const [path, code] of cases) {
      const reply = await send(cluster, { path });
      assert.equal(reply.status, code, `${path}: ${reply.text.slice(0, 200)}`);
      assert.ok(typeof reply.json === 'object', `${path} answers JSON`);
    }
    await stillAlive();
  });

  it('survives random paths, methods and bodies', async () => {
    const segment = fc.oneof(
      fc.constantFrom('api', 'apis', 'v1', 'apps', 'namespaces', 'payments', 'pods', 'log', 'exec', 'token', 'serviceaccounts', 'status', '..', '%00', '%'),
      fc.string({ maxLength: 8 }).map(encodeURIComponent),
    );
    const path = fc.array(segment, { minLength: 0, maxLength: 7 }).map((parts) => `/${parts.join('/')}`);
    const query = fc.constantFrom('', '?watch=0', '?limit=1', '?labelSelector=%3D%3D', '?fieldSelector=metadata.name', '?resourceVersion=999999999999');
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');
    const body = fc.oneof(fc.constant(undefined), fc.json(), fc.string({ maxLength: 40 }));
    await fc.assert(
      fc.asyncProperty(path, query, method, body, async (p, q, m, b) => {
        const reply = await send(cluster, {
          method: m,
          path: `${p}${q}`,
          ...(b !== undefined && m !== 'GET' ? { body: b, contentType: m === 'PATCH' ? 'application/merge-patch+json' : 'application/json' } : {}),
        });
        // A list from a resourceVersion the store has not reached is kube-apiserver's 504 "Too large resource version".
        const tooLarge = reply.status === 504 && q.includes('resourceVersion=') && status(reply).reason === 'Timeout';
        assert.ok(reply.status < 500 || tooLarge, `${m} ${p}${q} answered ${reply.status}: ${reply.text.slice(0, 200)}`);
        if (reply.status >= 400) assert.equal(status(reply).kind, 'Status');
      }),
      { numRuns: 150, examples: [['/api/v1/pods', '?resourceVersion=999999999999', 'GET', undefined]] },
    );
    await stillAlive();
  });

  it('survives a client that sends garbage instead of TLS or HTTP', async () => {
    const url = new URL(cluster.url);
    await new Promise<void>((resolve) => {
      const socket = connect({ host: url.hostname, port: Number(url.port), ca: cluster.pki.ca.certPem }, () => {
        socket.write('\u0000\u0001 not http at all\r\n\r\n');
      });
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
    });
    await stillAlive();
  });
});
