#!/usr/bin/env node
// A fake int128/kubelogin (`kubectl oidc-login get-token --oidc-issuer-url=… --oidc-client-id=…`). It
// prints a client.authentication.k8s.io/v1beta1 ExecCredential whose token is an OIDC ID token: an RS256
// JWT with iss = the issuer URL, aud = the client id, sub, email, email_verified, groups, iat and an exp
// an hour out, signed with the issuer's key; expirationTimestamp is its exp. The issuer is never called:
// the test cluster trusts the key as `--oidc-issuer-url` would.
// From the kubeconfig's exec.env: CC_FAKE_OIDC_KEY (the issuer's signing key PEM file), CC_FAKE_OIDC_SUB,
// CC_FAKE_OIDC_EMAIL, CC_FAKE_OIDC_NAME, CC_FAKE_OIDC_GROUPS (comma-separated), CC_FAKE_CLOCK_FILE (the
// cluster's time) and CC_FAKE_PLUGIN_RUNS (a line appended per run). Only node: builtins, for any Node 20+.

import { readFileSync } from 'node:fs';
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign } from 'node:crypto';
import { fail, nowMs, parseArgs, recordRun } from './pluginKit.mjs';

const b64url = (value) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

const { flags, words } = parseArgs(process.argv.slice(2));
// Run as `kubectl oidc-login get-token …` the plugin sees `get-token …`; named directly it may see both.
const command = words[0] === 'oidc-login' ? words[1] : words[0];
if (command !== 'get-token') fail('Error: unknown command; usage: kubectl oidc-login get-token --oidc-issuer-url=URL --oidc-client-id=ID');
recordRun('kubectl-oidc_login');
const issuer = flags.get('oidc-issuer-url');
const clientId = flags.get('oidc-client-id');
if (!issuer) fail('Error: required flag(s) "oidc-issuer-url" not set');
if (!clientId) fail('Error: required flag(s) "oidc-client-id" not set');
const keyPath = process.env.CC_FAKE_OIDC_KEY;
const email = process.env.CC_FAKE_OIDC_EMAIL;
if (!keyPath) fail('CC_FAKE_OIDC_KEY is not set to the issuer key the test cluster trusts');
if (!email) fail('CC_FAKE_OIDC_EMAIL is not set: the fake has no signed-in user');

const key = createPrivateKey(readFileSync(keyPath, 'utf8'));
const kid = createHash('sha256')
  .update(createPublicKey(key).export({ type: 'spki', format: 'der' }))
  .digest('base64url')
  .slice(0, 16);
const iat = Math.floor(nowMs() / 1000);
const exp = iat + 3600;
const groups = (process.env.CC_FAKE_OIDC_GROUPS ?? '').split(',').filter((g) => g !== '');
const claims = {
  iss: issuer,
  sub: process.env.CC_FAKE_OIDC_SUB || createHash('sha256').update(email).digest('base64url').slice(0, 22),
  aud: clientId,
  exp,
  iat,
  nonce: randomBytes(16).toString('base64url'),
  at_hash: randomBytes(16).toString('base64url'),
  email,
  email_verified: true,
  groups,
  name: process.env.CC_FAKE_OIDC_NAME || email,
};
const signingInput = `${b64url({ alg: 'RS256', kid, typ: 'JWT' })}.${b64url(claims)}`;
const token = `${signingInput}.${sign('RSA-SHA256', Buffer.from(signingInput, 'utf8'), key).toString('base64url')}`;
const credential = {
  kind: 'ExecCredential',
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  spec: { interactive: false },
  status: { expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), token },
};
process.stdout.write(`${JSON.stringify(credential)}\n`);
