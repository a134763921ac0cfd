#!/usr/bin/env node
// A fake gke-gcloud-auth-plugin. Like the real one it prints a client.authentication.k8s.io/v1beta1
// ExecCredential holding a Google access token (`ya29.` and an opaque url-safe string) that expires an
// hour out, and keeps it in `gke_gcloud_auth_plugin_cache` beside the kubeconfig, printing the cached
// token again while it is valid. Its token is one the test cluster can check without calling Google:
// the account, the expiry and an HMAC under a secret the cluster shares. From the kubeconfig's exec.env:
// CLOUDSDK_CORE_ACCOUNT (the gcloud account), CC_FAKE_GKE_SECRET (hex), CC_FAKE_GKE_CACHE (the cache
// file's path), CC_FAKE_GKE_CONTEXT (the context the cache is kept for), CC_FAKE_CLOCK_FILE (the cluster's
// time) and CC_FAKE_PLUGIN_RUNS (a line appended per run). Only node: builtins, for any Node 20+.

import { readFileSync, writeFileSync } from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';
import { fail, nowMs, recordRun, rfc3339 } from './pluginKit.mjs';

const LIFETIME_SECONDS = 3599;

/** `ya29.a0` + base64url(version, exp, nonce, account, HMAC of all that): opaque to a reader, checkable by the cluster. */
function mint(account, secretHex, expSeconds) {
  const head = Buffer.alloc(5);
  head.writeUInt8(1, 0);
  head.writeUInt32BE(expSeconds, 1);
  const payload = Buffer.concat([head, randomBytes(12), Buffer.from(account, 'utf8')]);
  const mac = createHmac('sha256', Buffer.from(secretHex, 'hex')).update(payload).digest();
  return `ya29.a0${Buffer.concat([payload, mac]).toString('base64url')}`;
}

function readCache(path, context, nowSeconds) {
  try {
    const c = JSON.parse(readFileSync(path, 'utf8'));
    const expiry = Date.parse(c.token_expiry) / 1000;
    if (c.current_context !== context || typeof c.access_token !== 'string' || !(expiry > nowSeconds)) return undefined;
    return { token: c.access_token, expiry: c.token_expiry };
  } catch {
    return undefined;
  }
}

recordRun('gke-gcloud-auth-plugin');
const account = process.env.CLOUDSDK_CORE_ACCOUNT;
const secret = process.env.CC_FAKE_GKE_SECRET;
if (!account) fail('ERROR: (gcloud.config.config-helper) You do not currently have an active account selected.\nPlease run:\n\n  $ gcloud auth login');
if (!secret || !/^[0-9a-f]+$/i.test(secret)) fail('CC_FAKE_GKE_SECRET is not set to the hex secret the test cluster shares');
const cachePath = process.env.CC_FAKE_GKE_CACHE;
const context = process.env.CC_FAKE_GKE_CONTEXT ?? '';
const now = Math.floor(nowMs() / 1000);

let cached = cachePath ? readCache(cachePath, context, now) : undefined;
if (cached === undefined) {
  const exp = now + LIFETIME_SECONDS;
  cached = { token: mint(account, secret, exp), expiry: rfc3339(exp) };
  if (cachePath) {
    const cache = { current_context: context, access_token: cached.token, token_expiry: cached.expiry, extra_args: '' };
    writeFileSync(cachePath, `${JSON.stringify(cache, null, 4)}\n`, { mode: 0o600 });
  }
}
const credential = {
  kind: 'ExecCredential',
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  spec: { interactive: false },
  status: { expirationTimestamp: cached.expiry, token: cached.token },
};
process.stdout.write(`${JSON.stringify(credential)}\n`);
