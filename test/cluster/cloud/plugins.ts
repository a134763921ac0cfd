// The fake exec credential plugins in test/plugins, by absolute path, as a kubeconfig's exec.command
// names them. Each is an executable Node script (`#!/usr/bin/env node`) that reads everything it needs
// from the exec.env the kubeconfig gives it. The kubeconfig names each by the real command's name (a symlink
// to the `.mjs` script, which Node runs as ESM), so the extension recognises it as it would the real one.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PLUGINS_DIR = join(__dirname, '..', '..', 'plugins');

export const FAKE_PLUGINS = {
  /** `aws eks get-token`. */
  aws: join(PLUGINS_DIR, 'aws'),
  gke: join(PLUGINS_DIR, 'gke-gcloud-auth-plugin'),
  /** Azure kubelogin: `get-token --login devicecode|azurecli|spn`. */
  kubelogin: join(PLUGINS_DIR, 'kubelogin'),
  /** int128/kubelogin: `kubectl oidc-login get-token`. */
  oidcLogin: join(PLUGINS_DIR, 'kubectl-oidc_login'),
} as const;

/** The environment variables the plugins read, besides the clouds' own (AWS_*, CLOUDSDK_CORE_ACCOUNT). */
export const PLUGIN_ENV = {
  /** A file the plugin appends one line to each time it starts. */
  runs: 'CC_FAKE_PLUGIN_RUNS',
  /** The test cluster's clock: `{"nowMs":N}` while it stands still, `{"offsetMs":N}` from the wall clock when it flows. */
  clock: 'CC_FAKE_CLOCK_FILE',
  gkeSecret: 'CC_FAKE_GKE_SECRET',
  gkeCache: 'CC_FAKE_GKE_CACHE',
  gkeContext: 'CC_FAKE_GKE_CONTEXT',
  entraKey: 'CC_FAKE_ENTRA_KEY',
  entraUpn: 'CC_FAKE_ENTRA_UPN',
  entraOid: 'CC_FAKE_ENTRA_OID',
  entraName: 'CC_FAKE_ENTRA_NAME',
  entraGroups: 'CC_FAKE_ENTRA_GROUPS',
  /** The file whose appearance completes a device-code sign-in. */
  loginDone: 'CC_FAKE_LOGIN_DONE',
  oidcKey: 'CC_FAKE_OIDC_KEY',
  oidcSub: 'CC_FAKE_OIDC_SUB',
  oidcEmail: 'CC_FAKE_OIDC_EMAIL',
  oidcName: 'CC_FAKE_OIDC_NAME',
  oidcGroups: 'CC_FAKE_OIDC_GROUPS',
} as const;

/** How many times a plugin has started, from its run log (none yet when the file is missing). */
export function countRuns(runLog: string): number {
  let text: string;
  try {
    text = readFileSync(runLog, 'utf8');
  } catch {
    return 0;
  }
  return text.split('\n').filter((l) => l !== '').length;
}
