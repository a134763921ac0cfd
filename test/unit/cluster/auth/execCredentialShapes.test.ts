// What each cloud's exec plugin prints, as its own sources write it, read the way the session reads it
// (parseExecCredential) and described the way the tree, the hover and Token Health describe it
// (describeCredential with the plugin's answer): EKS (the AWS CLI, v1beta1 or v1 by KUBERNETES_EXEC_INFO,
// expirationTimestamp 14 minutes after X-Amz-Date), GKE (an opaque ya29 access token: never decoded),
// AKS (kubelogin: an Entra ID JWT, decoded: tenant, audience, upn, oid), OIDC (int128/kubelogin: the ID
// token, its exp the expiry), and an unknown plugin (no expirationTimestamp: cached until a 401). Then the
// malformed answers: a truncated token, a timestamp that is not RFC 3339, another apiVersion.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { describeCredential, type CredentialDescription } from '../../../../src/cluster/auth/credentialDescription';
import { parseExecCredential, type ExecCredentialOutput } from '../../../../src/cluster/auth/execPlugin';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { decodeToken } from '../../../../src/token/jwt';
import { identityWords, tokenIdentity } from '../../../../src/token/identity';
import { buildEksToken } from '../../token/support/eksTokens';
import { type TempDir, kubeconfigYaml, tempDir } from './support/fixtures';

const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OBJECT_ID = '5c6a0b9e-1f2d-4e3a-9b8c-7d6e5f4a3b2c';
/** The well-known AKS AAD server application id kubelogin asks a token for. */
const AKS_SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

function jwt(claims: Record<string, unknown>): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), privateKey).toString('base64url');
  return `${header}.${body}.${signature}`;
}

function rfc3339(sec: number): string {
  return new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function execCredential(apiVersion: string, status: Record<string, unknown>): string {
  return JSON.stringify({ kind: 'ExecCredential', apiVersion, spec: { interactive: false }, status });
}

describe('each cloud plugin’s answer, read and described', () => {
  let tmp: TempDir;
  const now = Math.floor(Date.now() / 1000);
  beforeEach(() => {
    tmp = tempDir('cc-exec-shapes-');
  });
  afterEach(() => tmp.remove());

  /** The context's description once its plugin (the stanza `exec`) has answered `stdout`. */
  function described(exec: Record<string, unknown>, stdout: string): { credential: ExecCredentialOutput; d: CredentialDescription } {
    const parsed = parseExecCredential(stdout, String(exec.apiVersion), 'the exec plugin');
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    const file = tmp.file('config', kubeconfigYaml({ server: 'https://127.0.0.1:6443', user: { exec } }));
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(load.ok);
    const c = parsed.credential;
    const d = describeCredential(load.kc, 'test', {
      exec: {
        ...(c.expiresAtSec !== undefined ? { expiresAtSec: c.expiresAtSec } : {}),
        ...(c.token ? { token: c.token } : {}),
        ...(c.clientCertificateData ? { certificatePem: c.clientCertificateData } : {}),
      },
    });
    return { credential: c, d };
  }

  for (const apiVersion of [V1BETA1, V1]) {
    it(`EKS (aws eks get-token, ${apiVersion.split('/')[1]}): expiry 14 minutes after X-Amz-Date as the CLI says, issued at X-Amz-Date, no identity in the token`, () => {
      const signedAt = now - 30;
      const { token } = buildEksToken({ signedAt, region: 'eu-west-1' });
      const exec = { apiVersion, command: 'aws', args: ['eks', 'get-token', '--cluster-name', 'prod-eu', '--region', 'eu-west-1'] };
      const { credential, d } = described(exec, execCredential(apiVersion, { expirationTimestamp: rfc3339(signedAt + 14 * 60), token }));
      assert.equal(credential.expiresAtSec, signedAt + 14 * 60);
      assert.deepEqual(
        [d.kind, d.issuedAtSec, d.expiresAtSec, d.expirySource, d.opaqueToken, d.identity],
        ['exec', signedAt, signedAt + 840, 'exec', undefined, undefined],
      );
      assert.ok(!JSON.stringify(d).includes(token.slice(11)), 'the token is never part of the description');
    });
  }

  it('GKE (gke-gcloud-auth-plugin): an opaque ya29 access token, said to be opaque, never decoded; the expiry from gcloud', () => {
    const token = `ya29.a0AfB_byC${'x9Yz'.repeat(40)}`;
    const exec = { apiVersion: V1BETA1, command: 'gke-gcloud-auth-plugin', args: [] };
    const { d } = described(exec, execCredential(V1BETA1, { expirationTimestamp: rfc3339(now + 3599), token }));
    assert.equal(d.opaqueToken, true);
    assert.equal(d.identity, undefined);
    assert.equal(d.issuedAtSec, undefined);
    assert.deepEqual([d.expiresAtSec, d.expirySource], [now + 3599, 'exec']);
    assert.match(d.fingerprint ?? '', /^[0-9a-f]{16}$/);
    assert.ok(!JSON.stringify(d).includes('ya29.'));
    // The session knows when the plugin answered: an opaque token's lifetime counts from then.
    const file = tmp.file('config2', kubeconfigYaml({ server: 'https://127.0.0.1:6443', user: { exec } }));
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(load.ok);
    const seen = describeCredential(load.kc, 'test', { exec: { token, expiresAtSec: now + 3599, obtainedAtSec: now - 1 } });
    assert.equal(seen.issuedAtSec, now - 1);
  });

  for (const apiVersion of [V1, V1BETA1]) {
    it(`AKS (kubelogin get-token, ${apiVersion.split('/')[1]}): the Entra ID token decoded: tenant, audience, upn, oid; expiry = ExpiresOn`, () => {
      const exp = now + 3000;
      const token = jwt({
        aud: AKS_SERVER_ID,
        iss: `https://sts.windows.net/${TENANT}/`,
        iat: now - 600,
        nbf: now - 600,
        exp,
        tid: TENANT,
        oid: OBJECT_ID,
        upn: 'alice@contoso.com',
        groups: ['0f1e2d3c-aaaa-bbbb-cccc-111122223333'],
      });
      const exec = { apiVersion, command: 'kubelogin', args: ['get-token', '--login', 'devicecode', '--server-id', AKS_SERVER_ID, '--tenant-id', TENANT] };
      const { d } = described(exec, execCredential(apiVersion, { expirationTimestamp: rfc3339(exp), token }));
      assert.deepEqual([d.expiresAtSec, d.issuedAtSec, d.opaqueToken], [exp, now - 600, undefined]);
      assert.deepEqual(d.identity, {
        kind: 'entra',
        name: 'alice@contoso.com',
        tenant: TENANT,
        objectId: OBJECT_ID,
        issuer: `https://sts.windows.net/${TENANT}/`,
      });
      assert.equal(identityWords(d.identity), `alice@contoso.com (Entra ID tenant ${TENANT})`);
      const decoded = decodeToken(token);
      assert.ok(decoded.ok);
      assert.deepEqual(decoded.token.claims.aud, [AKS_SERVER_ID]);
    });
  }

  it('AKS with a service principal (--login spn): the application is named by its appid', () => {
    const token = jwt({
      aud: AKS_SERVER_ID,
      iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      exp: now + 3600,
      tid: TENANT,
      oid: OBJECT_ID,
      azp: 'b3c1d9e0-1111-2222-3333-444455556666',
      sub: OBJECT_ID,
    });
    const decoded = decodeToken(token);
    assert.ok(decoded.ok);
    assert.deepEqual(tokenIdentity(decoded.token.claims), {
      kind: 'entra',
      name: 'application b3c1d9e0-1111-2222-3333-444455556666',
      tenant: TENANT,
      objectId: OBJECT_ID,
      appId: 'b3c1d9e0-1111-2222-3333-444455556666',
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    });
  });

  it('OIDC (kubectl oidc-login get-token): the ID token decoded, its exp the expiry, e-mail and groups its identity', () => {
    const exp = now + 1800;
    const token = jwt({
      iss: 'https://dex.example.com',
      aud: 'kubernetes',
      sub: 'CgVhbGljZRIEbGRhcA',
      email: 'alice@example.com',
      groups: ['platform', 'oncall'],
      iat: now - 60,
      exp,
    });
    const exec = {
      apiVersion: V1BETA1,
      command: 'kubectl',
      args: ['oidc-login', 'get-token', '--oidc-issuer-url=https://dex.example.com', '--oidc-client-id=kubernetes'],
    };
    const { d } = described(exec, execCredential(V1BETA1, { expirationTimestamp: rfc3339(exp), token }));
    assert.deepEqual([d.expiresAtSec, d.issuedAtSec], [exp, now - 60]);
    assert.deepEqual(d.identity, { kind: 'oidc', name: 'alice@example.com', groups: ['platform', 'oncall'], issuer: 'https://dex.example.com' });
    assert.equal(identityWords(d.identity), 'alice@example.com (groups platform, oncall)');
  });

  it('an unknown plugin without expirationTimestamp: no expiry (cached until a 401)', () => {
    const exec = { apiVersion: V1, command: '/opt/bin/vault-k8s-login', args: ['--role', 'dev'] };
    const { credential, d } = described(exec, execCredential(V1, { token: 'hvs.CAESIJ9example' }));
    assert.equal(credential.expiresAtSec, undefined);
    assert.deepEqual([d.kind, d.expiresAtSec, d.expirySource, d.opaqueToken], ['exec', undefined, undefined, true]);
  });
});

describe('malformed plugin answers', () => {
  const now = Math.floor(Date.now() / 1000);
  let tmp: TempDir;
  beforeEach(() => {
    tmp = tempDir('cc-exec-bad-');
  });
  afterEach(() => tmp.remove());

  function describe1(exec: Record<string, unknown>, token: string, expiresAtSec?: number): CredentialDescription {
    const file = tmp.file('config', kubeconfigYaml({ server: 'https://127.0.0.1:6443', user: { exec } }));
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(load.ok);
    return describeCredential(load.kc, 'test', { exec: { token, ...(expiresAtSec !== undefined ? { expiresAtSec } : {}) } });
  }

  it('an EKS token cut short keeps the plugin’s expiry and decodes nothing, without throwing', () => {
    const { token } = buildEksToken({ signedAt: now - 10 });
    const cut = token.slice(0, 60);
    const d = describe1({ apiVersion: V1BETA1, command: 'aws', args: ['eks', 'get-token', '--cluster-name', 'x'] }, cut, now + 830);
    assert.deepEqual([d.expiresAtSec, d.expirySource, d.issuedAtSec, d.identity], [now + 830, 'exec', undefined, undefined]);
  });

  it('a JWT cut short is not decoded: an opaque token, the plugin’s expiry kept', () => {
    const token = jwt({ iss: 'https://dex.example.com', aud: 'kubernetes', sub: 'alice', exp: now + 60 }).slice(0, 50);
    const d = describe1({ apiVersion: V1BETA1, command: 'kubectl', args: ['oidc-login', 'get-token'] }, token, now + 600);
    assert.deepEqual([d.expiresAtSec, d.identity, d.opaqueToken], [now + 600, undefined, true]);
  });

  it('an expirationTimestamp that is not RFC 3339, another apiVersion, no status: a sentence each', () => {
    const bad = parseExecCredential(execCredential(V1, { token: 't', expirationTimestamp: '14 minutes' }), V1, 'the exec plugin "aws"');
    assert.deepEqual(bad, { ok: false, message: 'the exec plugin "aws" returned an expirationTimestamp that is not an RFC 3339 time' });
    const other = parseExecCredential(execCredential(V1BETA1, { token: 't' }), V1, 'the exec plugin "kubelogin"');
    assert.ok(
      !other.ok &&
        other.message.includes('answered with apiVersion client.authentication.k8s.io/v1beta1 but the kubeconfig asks for client.authentication.k8s.io/v1'),
    );
    const none = parseExecCredential(JSON.stringify({ kind: 'ExecCredential', apiVersion: V1 }), V1, 'the exec plugin "gke-gcloud-auth-plugin"');
    assert.ok(!none.ok && /returned no status/.test(none.message));
  });

  it('a JWT that names nobody has no identity; Entra claims with no user claim fall back to sub', () => {
    const nobody = decodeToken(jwt({ iss: 'https://issuer.example', exp: now + 60 }));
    assert.ok(nobody.ok);
    assert.equal(tokenIdentity(nobody.token.claims), undefined);
    const bySub = decodeToken(jwt({ iss: `https://sts.windows.net/${TENANT}/`, sub: 'abc', exp: now + 60 }));
    assert.ok(bySub.ok);
    assert.deepEqual(tokenIdentity(bySub.token.claims), { kind: 'entra', name: 'abc', issuer: `https://sts.windows.net/${TENANT}/` });
  });
});
