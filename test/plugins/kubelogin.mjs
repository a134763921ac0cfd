#!/usr/bin/env node
// A fake Azure kubelogin (`kubelogin get-token --login devicecode|azurecli|spn --server-id … --client-id …
// --tenant-id …`). It prints an ExecCredential (client.authentication.k8s.io/v1 or v1beta1, as
// KUBERNETES_EXEC_INFO asks) whose token is an Entra ID v1.0 access token: an RS256 JWT with aud = the
// server id, iss = https://sts.windows.net/<tenant>/, tid, oid, upn, iat, nbf and an exp about an hour
// out, signed with the key the test cluster publishes; expirationTimestamp is its exp.
// With --login devicecode it first asks for a sign-in on stderr, as kubelogin does, and waits until the
// file CC_FAKE_LOGIN_DONE exists (the test "completes the login"); when the file is already there the
// login is cached and it answers at once. Killed while waiting, it dies; left behind by a parent that
// died, it exits.
// From the kubeconfig's exec.env: CC_FAKE_ENTRA_KEY (the signing key's PEM file), CC_FAKE_ENTRA_UPN,
// CC_FAKE_ENTRA_OID, CC_FAKE_ENTRA_NAME, CC_FAKE_ENTRA_GROUPS (comma-separated group object ids),
// CC_FAKE_LOGIN_DONE, CC_FAKE_LOGIN_TIMEOUT_SECONDS (default 900, as a device code lasts),
// CC_FAKE_CLOCK_FILE (the cluster's time) and CC_FAKE_PLUGIN_RUNS (a line appended per start).
// Only node: builtins, for any Node 20+.

import { existsSync, readFileSync } from 'node:fs';
import { createHash, createPrivateKey, createPublicKey, randomBytes, randomUUID, sign } from 'node:crypto';
import { execInfo, fail, nowMs, parseArgs, recordRun, rfc3339 } from './pluginKit.mjs';

const DEVICE_CODE_MESSAGE = 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate.';

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

function entraToken({ keyPem, serverId, clientId, tenantId, login }) {
  const key = createPrivateKey(keyPem);
  const thumbprint = createHash('sha1')
    .update(createPublicKey(key).export({ type: 'spki', format: 'der' }))
    .digest('base64url');
  // Entra back-dates iat and nbf by five minutes for clock skew.
  const now = Math.floor(nowMs() / 1000);
  const iat = now - 300;
  const exp = now + 3600;
  const oid = process.env.CC_FAKE_ENTRA_OID || randomUUID();
  const groups = (process.env.CC_FAKE_ENTRA_GROUPS ?? '').split(',').filter((g) => g !== '');
  const user = login !== 'spn';
  const upn = process.env.CC_FAKE_ENTRA_UPN ?? '';
  if (user && upn === '') fail('CC_FAKE_ENTRA_UPN is not set: the fake has no signed-in user');
  const claims = {
    aud: serverId,
    iss: `https://sts.windows.net/${tenantId}/`,
    iat,
    nbf: iat,
    exp,
    acr: '1',
    aio: randomBytes(48).toString('base64url'),
    amr: user ? ['pwd', 'mfa'] : undefined,
    appid: clientId,
    appidacr: user ? '0' : '1',
    groups: groups.length > 0 ? groups : undefined,
    idp: user ? undefined : `https://sts.windows.net/${tenantId}/`,
    name: user ? process.env.CC_FAKE_ENTRA_NAME || upn : undefined,
    oid,
    rh: `0.${randomBytes(30).toString('base64url')}.`,
    scp: user ? 'user_impersonation' : undefined,
    sub: randomBytes(32).toString('base64url').slice(0, 43),
    tid: tenantId,
    unique_name: user ? upn : undefined,
    upn: user ? upn : undefined,
    uti: randomBytes(16).toString('base64url'),
    ver: '1.0',
  };
  const header = { typ: 'JWT', alg: 'RS256', x5t: thumbprint, kid: thumbprint };
  const signingInput = `${b64url(header)}.${b64url(claims)}`;
  const signature = sign('RSA-SHA256', Buffer.from(signingInput, 'utf8'), key).toString('base64url');
  return { token: `${signingInput}.${signature}`, exp };
}

function printCredential(apiVersion, interactive, minted) {
  const credential = {
    kind: 'ExecCredential',
    apiVersion,
    spec: { interactive },
    status: { expirationTimestamp: rfc3339(minted.exp), token: minted.token },
  };
  process.stdout.write(`${JSON.stringify(credential)}\n`);
}

const { flags, words } = parseArgs(process.argv.slice(2));
if (words[0] !== 'get-token') fail('Error: unknown command; usage: kubelogin get-token --login devicecode|azurecli|spn --server-id ID --tenant-id ID');
const login = flags.get('login') || process.env.AAD_LOGIN_METHOD || 'devicecode';
recordRun(`kubelogin-${login}`);
if (!['devicecode', 'azurecli', 'spn'].includes(login)) fail(`Error: login mode "${login}" is not supported`);
const serverId = flags.get('server-id');
if (!serverId) fail('Error: --server-id is required');
const tenantId = flags.get('tenant-id') || process.env.AZURE_TENANT_ID;
if (!tenantId) fail('Error: --tenant-id is required');
const clientId = flags.get('client-id') || process.env.AAD_SERVICE_PRINCIPAL_CLIENT_ID || '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
if (login === 'spn' && !(flags.get('client-secret') || process.env.AAD_SERVICE_PRINCIPAL_CLIENT_SECRET)) {
  fail('Error: failed to get token: client secret is required for the spn login');
}
const keyPath = process.env.CC_FAKE_ENTRA_KEY;
if (!keyPath) fail('CC_FAKE_ENTRA_KEY is not set to the signing key the test cluster publishes');
const keyPem = readFileSync(keyPath, 'utf8');

const info = execInfo();
const apiVersion = typeof info.apiVersion === 'string' && info.apiVersion !== '' ? info.apiVersion : 'client.authentication.k8s.io/v1beta1';
const interactive = info.spec?.interactive === true;
const answer = () => printCredential(apiVersion, interactive, entraToken({ keyPem, serverId, clientId, tenantId, login }));

const doneFile = process.env.CC_FAKE_LOGIN_DONE;
if (login !== 'devicecode' || (doneFile && existsSync(doneFile))) {
  answer();
} else {
  if (!doneFile) fail('CC_FAKE_LOGIN_DONE is not set: the fake cannot tell when the sign-in is done');
  process.stderr.write(`${DEVICE_CODE_MESSAGE}\n`);
  const timeoutSeconds = Number(process.env.CC_FAKE_LOGIN_TIMEOUT_SECONDS || 900);
  const parent = process.ppid;
  const poll = setInterval(() => {
    // Left behind by a kubectl (or extension) that died, it does not linger for the device code's lifetime.
    if (process.ppid !== parent) process.exit(1);
    if (!existsSync(doneFile)) return;
    clearInterval(poll);
    clearTimeout(expiry);
    answer();
  }, 100);
  const expiry = setTimeout(() => {
    clearInterval(poll);
    fail("Error: failed to get token: AADSTS70020: The provided value for the input parameter 'device_code' is not valid. This device code has expired.");
  }, timeoutSeconds * 1000);
}
