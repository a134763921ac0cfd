import assert from 'node:assert/strict';
import { afterEach, before, beforeEach, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { describeCredential } from '../../../../src/cluster/auth/credentials';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { fingerprint } from '../../../../src/token/fingerprint';
import { type TempDir, fakeJwt, fixtureToken, kubeconfigYaml, tempDir } from './support/fixtures';
import { type IssuedCertificate, type TestCa, createTestCa } from './support/recordingServer';

let tmp: TempDir;
let ca: TestCa;
let clientCert: IssuedCertificate;
const NOT_AFTER = new Date('2027-03-01T12:00:00Z');

before(() => {
  ca = createTestCa();
  clientCert = ca.issue('jane', { organizations: ['devs', 'system:masters'], notAfter: NOT_AFTER });
});
beforeEach(() => {
  tmp = tempDir('cc-describe-');
});
afterEach(() => tmp.remove());

function describeUser(user: Record<string, unknown>) {
  const file = tmp.file('config', kubeconfigYaml({ server: 'https://127.0.0.1:6443', user }));
  const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
  assert.ok(load.ok, !load.ok ? load.message : '');
  return describeCredential(load.kc, 'test');
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('describeCredential', () => {
  it('recognises a bearer token and reads its exp', () => {
    const token = fixtureToken('api-bound-pod-3607s.jwt');
    const d = describeUser({ token });
    assert.equal(d.kind, 'token');
    assert.equal(d.expiresAtSec, decodeJwt(token).exp);
    assert.equal(d.issuedAtSec, decodeJwt(token).iat);
    assert.equal(d.expirySource, 'jwt');
    assert.equal(d.fingerprint, fingerprint(token));
    assert.ok(!JSON.stringify(d).includes(token), 'the description never holds the token');
  });

  it('recognises an opaque token without inventing an expiry', () => {
    const d = describeUser({ token: 'abcdef.0123456789abcdef' });
    assert.equal(d.kind, 'token');
    assert.equal(d.expiresAtSec, undefined);
  });

  it('recognises a token file and reads the token in it', () => {
    const token = fakeJwt({ sub: 'system:serviceaccount:payments:api', exp: 1_900_000_000, iat: 1_899_996_400 });
    const tokenFile = tmp.file('token', `${token}\n`);
    const d = describeUser({ tokenFile });
    assert.equal(d.kind, 'tokenFile');
    assert.equal(d.tokenFile, tokenFile);
    assert.equal(d.expiresAtSec, 1_900_000_000);
    assert.equal(d.problem, undefined);
  });

  it('says when the token file cannot be read', () => {
    const d = describeUser({ tokenFile: `${tmp.dir}/nope` });
    assert.equal(d.kind, 'tokenFile');
    assert.equal(d.expiresAtSec, undefined);
    assert.match(d.problem ?? '', /token file .*nope cannot be read \(ENOENT\)/);
  });

  it('recognises an exec plugin with its command and apiVersion, expiry unknown until it runs', () => {
    const d = describeUser({
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: 'aws',
        args: ['eks', 'get-token', '--cluster-name', 'prod'],
        env: [{ name: 'AWS_PROFILE', value: 'prod' }],
        interactiveMode: 'IfAvailable',
      },
    });
    assert.equal(d.kind, 'exec');
    assert.deepEqual(d.exec, {
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', 'prod'],
      env: [{ name: 'AWS_PROFILE', value: 'prod' }],
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      installHint: undefined,
      interactiveMode: 'IfAvailable',
      provideClusterInfo: false,
    });
    assert.equal(d.expiresAtSec, undefined);
  });

  it('takes an exec expiry from what the plugin returned', () => {
    const file = tmp.file(
      'config',
      kubeconfigYaml({ server: 'https://127.0.0.1:6443', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'x' } } }),
    );
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(load.ok);
    const withTimestamp = describeCredential(load.kc, 'test', { exec: { expiresAtSec: 1_800_000_000, token: fakeJwt({ exp: 1_900_000_000 }) } });
    assert.equal(withTimestamp.expiresAtSec, 1_800_000_000);
    assert.equal(withTimestamp.expirySource, 'exec');
    const fromJwt = describeCredential(load.kc, 'test', { exec: { token: fakeJwt({ exp: 1_900_000_000 }) } });
    assert.equal(fromJwt.expiresAtSec, 1_900_000_000);
    assert.equal(fromJwt.expirySource, 'jwt');
  });

  it('recognises an OIDC auth-provider with its issuer, id-token expiry and refresh token', () => {
    const idToken = fakeJwt({ iss: 'https://dex.example', exp: 1_850_000_000 });
    const d = describeUser({
      'auth-provider': {
        name: 'oidc',
        config: { 'idp-issuer-url': 'https://dex.example', 'client-id': 'kubectl', 'id-token': idToken, 'refresh-token': 'r-123' },
      },
    });
    assert.equal(d.kind, 'authProvider');
    assert.deepEqual(d.authProvider, { name: 'oidc', idpIssuerUrl: 'https://dex.example', clientId: 'kubectl', hasIdToken: true, hasRefreshToken: true });
    assert.equal(d.expiresAtSec, 1_850_000_000);
  });

  it('recognises an OIDC provider that has no id-token yet', () => {
    const d = describeUser({ 'auth-provider': { name: 'oidc', config: { 'idp-issuer-url': 'https://dex.example', 'client-id': 'kubectl' } } });
    assert.equal(d.kind, 'authProvider');
    assert.equal(d.authProvider?.hasIdToken, false);
    assert.equal(d.authProvider?.hasRefreshToken, false);
  });

  it('recognises a client certificate from data and reads its notAfter', () => {
    const d = describeUser({ 'client-certificate-data': b64(clientCert.certPem), 'client-key-data': b64(clientCert.keyPem) });
    assert.equal(d.kind, 'clientCertificate');
    assert.equal(d.expiresAtSec, Math.floor(NOT_AFTER.getTime() / 1000));
    assert.equal(d.expirySource, 'certificate');
    assert.equal(d.clientCertificate?.source, 'data');
    assert.equal(d.clientCertificate?.commonName, 'jane');
    assert.deepEqual(d.clientCertificate?.organizations, ['devs', 'system:masters']);
  });

  it('recognises a client certificate from a file', () => {
    const certFile = tmp.file('me.crt', clientCert.certPem);
    const keyFile = tmp.file('me.key', clientCert.keyPem);
    const d = describeUser({ 'client-certificate': certFile, 'client-key': keyFile });
    assert.equal(d.kind, 'clientCertificate');
    assert.equal(d.clientCertificate?.source, 'file');
    assert.equal(d.clientCertificate?.file, certFile);
    assert.equal(d.expiresAtSec, Math.floor(NOT_AFTER.getTime() / 1000));
  });

  it('keeps the client certificate next to a token, the token deciding the kind', () => {
    const token = fakeJwt({ exp: 1_850_000_000 });
    const d = describeUser({ token, 'client-certificate-data': b64(clientCert.certPem), 'client-key-data': b64(clientCert.keyPem) });
    assert.equal(d.kind, 'token');
    assert.equal(d.expiresAtSec, 1_850_000_000);
    assert.equal(d.clientCertificate?.commonName, 'jane');
  });

  it('recognises basic auth without exposing the password', () => {
    const d = describeUser({ username: 'admin', password: 's3cret-password' });
    assert.equal(d.kind, 'basicAuth');
    assert.equal(d.username, 'admin');
    assert.ok(!JSON.stringify(d).includes('s3cret-password'));
  });

  it('recognises a user with no credential at all', () => {
    const d = describeUser({});
    assert.equal(d.kind, 'none');
    assert.equal(d.expiresAtSec, undefined);
  });

  it('reports an unknown context instead of throwing', () => {
    const file = tmp.file('config', kubeconfigYaml({ server: 'https://127.0.0.1:6443', user: { token: 'x' } }));
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(load.ok);
    const d = describeCredential(load.kc, 'elsewhere');
    assert.equal(d.kind, 'none');
    assert.match(d.problem ?? '', /context "elsewhere" is not in the kubeconfig/);
  });
});
