// Whether a namespace exists, asked of the API server: gone only on a 404 that names that namespace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiClients, RawResponse } from '../../../../src/cluster/auth/apiClient';
import type { ClusterError } from '../../../../src/cluster/errors';
import { namespacePresence } from '../../../../src/cluster/live/namespacePresence';

function answering(res: RawResponse): { api: ApiClients; paths: string[] } {
  const paths: string[] = [];
  const api = {
    rawRequest: (path: string) => {
      paths.push(path);
      return Promise.resolve(res);
    },
  } as unknown as ApiClients;
  return { api, paths };
}

const error = (message: string): ClusterError => ({ kind: 'notFound', message }) as ClusterError;
const status = (details: Record<string, unknown>): string => JSON.stringify({ kind: 'Status', reason: 'NotFound', code: 404, details });

describe('namespacePresence', () => {
  it('is absent on a NotFound that names the namespace', async () => {
    const { api, paths } = answering({ ok: false, status: 404, body: status({ name: 'doomed', kind: 'namespaces' }), error: error('not found') });
    assert.deepEqual(await namespacePresence(api, 'doomed'), { state: 'absent' });
    assert.deepEqual(paths, ['/api/v1/namespaces/doomed']);
  });

  it('is unknown on a 404 about something else, and on a 403', async () => {
    const path = answering({ ok: false, status: 404, body: status({}), error: error('the server could not find the requested resource') });
    assert.deepEqual(await namespacePresence(path.api, 'doomed'), { state: 'unknown', why: 'the server could not find the requested resource' });
    const forbidden = answering({ ok: false, status: 403, body: '{}', error: error('forbidden') });
    assert.equal((await namespacePresence(forbidden.api, 'doomed')).state, 'unknown');
  });

  it('is present with its uid, and says when it is being deleted', async () => {
    const body = (metadata: Record<string, unknown>): RawResponse => ({
      ok: true,
      status: 200,
      headers: {},
      body: JSON.stringify({ kind: 'Namespace', metadata }),
    });
    assert.deepEqual(await namespacePresence(answering(body({ name: 'n', uid: 'u1' })).api, 'n'), { state: 'present', uid: 'u1' });
    assert.deepEqual(await namespacePresence(answering(body({ name: 'n', uid: 'u1', deletionTimestamp: '2026-01-10T08:00:00Z' })).api, 'n'), {
      state: 'present',
      uid: 'u1',
      deletionSec: Date.UTC(2026, 0, 10, 8) / 1000,
    });
    assert.equal((await namespacePresence(answering(body({ name: 'n' })).api, 'n')).state, 'unknown');
  });
});
