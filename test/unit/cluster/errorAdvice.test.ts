// What an error means now: a rejected credential told again with its expiry, a retry countdown, and which
// causes concern the whole session.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CredentialDescription } from '../../../src/cluster/auth/credentialDescription';
import { adviseOnError, concernsSession, retryCountdown } from '../../../src/cluster/errorAdvice';
import { classifyError, classifyResponse, CredentialUnavailableError } from '../../../src/cluster/errors';
import { unauthorizedSentence } from '../../../src/cluster/unauthorizedSentence';

const NOW = 1_800_000_000;
const UNAUTHORIZED = { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' };

describe('adviseOnError', () => {
  it('tells a rejected credential with what is known of it now, in the same sentence a command shows', () => {
    const credential: CredentialDescription = { context: 'prod', kind: 'token', expiresAtSec: NOW - 86_400 };
    // Classified an hour earlier, without the credential: the advice says it again with today's knowledge.
    const error = classifyResponse(401, UNAUTHORIZED, { nowSec: NOW - 3600 });
    const advice = adviseOnError(error, credential, NOW * 1000);
    assert.equal(advice.message, unauthorizedSentence(credential, NOW));
    assert.match(advice.message, /your token expired 1 day ago/);
    assert.equal(advice.action, 'reloadCredentials');
    assert.equal(advice.severity, 'error');
    // The command's error, classified with the credential at hand, reads the same.
    assert.equal(classifyResponse(401, UNAUTHORIZED, { nowSec: NOW, credential: () => credential }).message, advice.message);
  });

  it('keeps the sentence of a credential that could not be made', () => {
    const error = classifyError(new CredentialUnavailableError('the exec plugin "aws" failed with exit code 1: expired SSO session', 401));
    assert.equal(error.credentialProblem, 'unavailable');
    const advice = adviseOnError(error, { context: 'prod', kind: 'exec', expiresAtSec: NOW - 60 }, NOW * 1000);
    assert.equal(advice.message, 'the exec plugin "aws" failed with exit code 1: expired SSO session');
  });

  it('adds the retry countdown and the retry action to an unreachable server', () => {
    const error = classifyError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } }), { server: 'https://10.0.0.1:6443' });
    const advice = adviseOnError(error, undefined, NOW * 1000, NOW * 1000 + 9_500);
    assert.equal(
      advice.message,
      'the API server at https://10.0.0.1:6443 closed the connection (UND_ERR_SOCKET); it may be restarting; otherwise check your network, VPN or proxy',
    );
    assert.equal(advice.countdown, 'retrying in 10 s');
    assert.equal(advice.action, 'retry');
    assert.equal(retryCountdown(NOW * 1000, NOW * 1000 + 1), 'retrying now');
  });
});

describe('concernsSession', () => {
  it('takes a 401, an unreachable server and a TLS failure for the session, a 403 or a 500 for the request', () => {
    const refused = classifyError(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    const tls = classifyError(Object.assign(new Error('fetch failed'), { cause: { code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' } }));
    assert.equal(concernsSession(classifyResponse(401, UNAUTHORIZED)), true);
    assert.equal(concernsSession(refused), true);
    assert.equal(concernsSession(tls), true);
    assert.equal(concernsSession(classifyResponse(403, { kind: 'Status', code: 403, reason: 'Forbidden', message: 'forbidden' })), false);
    assert.equal(concernsSession(classifyResponse(500, { kind: 'Status', code: 500, message: 'etcd timeout' })), false);
  });
});
