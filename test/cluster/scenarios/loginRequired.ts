// `login-required`: an AKS context whose kubelogin signs in by device code, as `kubelogin convert-kubeconfig
// -l devicecode` leaves it (exec apiVersion client.authentication.k8s.io/v1, interactiveMode IfAvailable).
// The plugin (test/plugins/kubelogin.mjs) prints on stderr "To sign in, use a web browser to open the page
// https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate." and waits: nothing
// comes on stdout until the test completes the sign-in (the file `devicelogin-complete` appears), then it
// prints an Entra ID token for alex@paymentsco.onmicrosoft.com and exits 0. Killed, it dies. Once the
// sign-in is complete a new start answers at once (kubelogin's token cache) until the test resets it.
// Handed over into --dir under `login-required/`: the kubeconfig, the Entra signing key and the cluster's
// clock for the plugin; the plugin appends a line to `kubelogin.runs.log` each time it starts.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cloudAuthOf, type CloudAuth } from '../cloud/cloudAuth';
import { writeScenarioFiles } from '../cloud/handOver';
import { multiContextKubeconfig } from '../cloud/execKubeconfig';
import { AKS, kubeloginArgs } from '../cloud/identities';
import { countRuns, FAKE_PLUGINS, PLUGIN_ENV } from '../cloud/plugins';
import type { TestCluster } from '../server';
import { entraEnv } from './clouds';
import { registerScenario, type ScenarioFile } from './registry';

export const LOGIN_REQUIRED = {
  folder: 'login-required',
  kubeconfigFile: 'login-required/aks-devicecode.kubeconfig',
  entraKeyFile: 'login-required/entra-signing-key.pem',
  clockFile: 'login-required/cluster-clock.json',
  runLog: 'login-required/kubelogin.runs.log',
  /** The file whose appearance completes the sign-in. */
  doneFile: 'login-required/devicelogin-complete',
  context: 'aks-devicecode',
  username: AKS.upn,
  deviceCodeMessage: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate.',
} as const;

/** The login-required kubeconfig written into a folder, and the test's side of the sign-in. */
export interface LoginRequired {
  /** The kubeconfig's absolute path. */
  path: string;
  context: typeof LOGIN_REQUIRED.context;
  /** Who the context is once signed in. */
  username: string;
  runLog: string;
  doneFile: string;
  /** The user finishes the device-code sign-in: the waiting plugin prints its credential and exits. */
  completeLogin(): void;
  /** Forget the sign-in: the next start asks again. */
  resetLogin(): void;
  /** How many times the plugin has started. */
  starts(): number;
}

function loginRequiredYaml(cluster: TestCluster, dir: string | undefined): string {
  const at = (relative: string): string => (dir === undefined ? relative : join(dir, ...relative.split('/')));
  return multiContextKubeconfig({
    server: cluster.url,
    caPem: cluster.pki.ca.certPem,
    currentContext: LOGIN_REQUIRED.context,
    entries: [
      {
        context: LOGIN_REQUIRED.context,
        cluster: AKS.cluster,
        // Its own user name: merged through KUBECONFIG with the clouds kubeconfig, whose aks-payments user is
        // clusterUser_<group>_<cluster>, the first file's user of the same name would win (kubectl's merge).
        user: `clusterUser_${AKS.resourceGroup}_${AKS.cluster}_devicecode`,
        credentials: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: FAKE_PLUGINS.kubelogin,
            args: kubeloginArgs('devicecode'),
            env: entraEnv(at(LOGIN_REQUIRED.entraKeyFile), {
              [PLUGIN_ENV.loginDone]: at(LOGIN_REQUIRED.doneFile),
              [PLUGIN_ENV.runs]: at(LOGIN_REQUIRED.runLog),
              [PLUGIN_ENV.clock]: at(LOGIN_REQUIRED.clockFile),
            }),
            interactiveMode: 'IfAvailable',
          },
        },
      },
    ],
  });
}

/** The scenario's files, to be written into a folder (`writeFiles`, `--dir`). */
export function loginRequiredFiles(cluster: TestCluster): ScenarioFile[] {
  const auth: CloudAuth = cloudAuthOf(cluster);
  return [
    {
      path: LOGIN_REQUIRED.kubeconfigFile,
      text: loginRequiredYaml(cluster, undefined),
      textIn: (dir) => loginRequiredYaml(cluster, dir),
      description: `a kubeconfig whose context ${LOGIN_REQUIRED.context} signs in to Entra ID by device code and waits until the sign-in is done`,
    },
    { path: LOGIN_REQUIRED.entraKeyFile, text: auth.entraKeyPem, description: "the Entra tenant's signing key the fake kubelogin signs with" },
    {
      path: LOGIN_REQUIRED.clockFile,
      text: auth.clockText(),
      description: "the cluster's clock, which the fake kubelogin mints its tokens by",
      live: (path) => auth.followClock(path),
    },
  ];
}

/** The test's side of a folder the login-required files were written to (by writeFiles, --dir or loginRequiredKubeconfig). */
export function loginRequiredIn(dir: string): LoginRequired {
  const at = (relative: string): string => join(dir, ...relative.split('/'));
  const doneFile = at(LOGIN_REQUIRED.doneFile);
  const runLog = at(LOGIN_REQUIRED.runLog);
  return {
    path: at(LOGIN_REQUIRED.kubeconfigFile),
    context: LOGIN_REQUIRED.context,
    username: LOGIN_REQUIRED.username,
    runLog,
    doneFile,
    completeLogin: () => writeFileSync(doneFile, 'signed in\n', { mode: 0o600 }),
    resetLogin: () => rmSync(doneFile, { force: true }),
    starts: () => countRuns(runLog),
  };
}

/** Write the login-required kubeconfig and its files under `dir/login-required/` (installing Entra authentication on the cluster). */
export function loginRequiredKubeconfig(cluster: TestCluster, dir: string): LoginRequired & { text: string } {
  writeScenarioFiles(loginRequiredFiles(cluster), dir);
  const handle = loginRequiredIn(dir);
  return { ...handle, text: readFileSync(handle.path, 'utf8') };
}

registerScenario('login-required', (cluster) => ({ files: loginRequiredFiles(cluster) }));
