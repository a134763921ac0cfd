// startTestCluster: our own kube-apiserver on https://127.0.0.1, with its CA, controllers,
// kubelets and a clock tests can move. See test/fixtures/k8s for the answers it imitates.

import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { TokenWebhook } from './auth';
import { bootstrapCluster } from './bootstrap';
import { createClusterPki, type ClusterPki } from './ca';
import { Clock } from './clock';
import type { KubeletFleet } from './controllers/kubeletFleet';
import { restartContainer } from './controllers/kubeletAgent';
import { createCore, type ClusterCore } from './core';
import type { EventRecorder } from './events';
import { createHandler } from './handler';
import { kubeconfigYaml, type KubeconfigUser } from './kubeconfig';
import type { OidcIssuerConfig } from './oidc';
import type { ObjectApi } from './objectApi';
import type { PodLogs } from './podLogs';
import { ListHolds, type ListHold } from './listHolds';
import { RequestLog } from './requestCounter';
import { R } from './resources';
import { runScenarios, type ScenarioFile } from './scenarios/index';
import type { Store } from './store';
import type { TokenIssuer } from './tokenIssuer';

export type ClusterUser = 'admin' | 'admin-cert' | { token: string } | { serviceAccount: string };

export interface TestClusterOptions {
  port?: number;
  scenarios?: string[];
  clock?: Clock;
  /**
   * Like the recorded cluster: no scheduler and no kubelet, so pods stay Pending and logs/exec
   * answer as they did there (204, "does not have a host assigned", kubelet unreachable).
   */
  controlPlaneOnly?: boolean;
}

export interface TestCluster {
  url: string;
  clock: Clock;
  issuer: TokenIssuer;
  /** The kubelets of all Nodes; `stall`, `readFile` and `written` find the one running a pod. */
  kubelet: KubeletFleet;
  /** Read access to every object (and writes that bypass admission, for scenarios). */
  store: Store;
  /** Writes that go through defaulting, admission and the controllers, like API requests. */
  api: ObjectApi;
  logs: PodLogs;
  events: EventRecorder;
  pki: ClusterPki;
  /** The static bearer token of `admin` (group system:masters). */
  adminToken: string;
  kubeconfigFor(user: ClusterUser): string;
  writeKubeconfig(dir: string, user?: ClusterUser): string;
  /** Files the scenarios handed over (a node's kubeconfig, say), in the order they came. */
  files: ScenarioFile[];
  /** Write `files` under `dir` (mode 0600 unless a file says otherwise, folders made); returns the paths written. */
  writeFiles(dir: string): string[];
  /** Run `cleanup` when the cluster stops: for what a scenario opened beside it (a listener). */
  onStop(cleanup: () => void | Promise<void>): void;
  /** Authenticate some bearer tokens outside the apiserver; the returned function removes it. */
  addTokenWebhook(webhook: TokenWebhook): () => void;
  /** Trust the id-tokens of an OIDC issuer, as `--oidc-issuer-url` and its companions do; the returned function removes it. */
  addOidcIssuer(config: OidcIssuerConfig): () => void;
  /** Many writes, one reconcile at the end (for scenarios that build a lot). */
  batch<T>(fn: () => T): T;
  /**
   * The controllers and kubelets stop reacting (a deleted pod stays Terminating, no replacement is
   * made) until the returned function is called, which lets them catch up at once.
   */
  holdControllers(): () => void;
  /** A container exits (with `exitCode`) and its kubelet restarts it. */
  restartContainer(namespace: string, pod: string, container: string, exitCode?: number): void;
  /** Move the clock; the controllers and kubelets react before this returns. */
  advance(seconds: number): void;
  /** Watches the server holds open now, for tests that act once a watch is registered. */
  openWatches(): number;
  /** Lists of `resource` wait unanswered until the hold is released (listHolds.ts). */
  holdLists(resource: string): ListHold;
  /** Every request received so far, for tests that count what a client asks. */
  requests: RequestLog;
  /**
   * The apiserver restarts: every watch and connection is closed and the port stops listening, then
   * (after `whileDown`, when given) it listens again on the same port with the same CA, keys, store
   * and clock. Clients see ECONNREFUSED while it is down.
   */
  restart(whileDown?: () => void | Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

const COMPACTION_INTERVAL_MS = 5 * 60 * 1000;

function userName(user: ClusterUser): string {
  if (user === 'admin' || user === 'admin-cert') return user;
  if ('token' in user) return 'token-user';
  return `sa-${user.serviceAccount.replace('/', '-')}`;
}

function makeKubeconfig(core: ClusterCore, adminToken: string, user: ClusterUser): string {
  const base = { server: core.url(), caPem: core.pki.ca.certPem };
  let u: KubeconfigUser;
  let namespace: string | undefined;
  if (user === 'admin') u = { kind: 'token', name: 'admin', token: adminToken };
  else if (user === 'admin-cert') u = { kind: 'cert', name: 'admin-cert', certPem: core.pki.admin.certPem, keyPem: core.pki.admin.keyPem };
  else if ('token' in user) u = { kind: 'token', name: 'token-user', token: user.token };
  else {
    const [ns = '', name = ''] = user.serviceAccount.split('/');
    const sa = core.store.peek(R.serviceAccounts, ns, name);
    if (sa === undefined) throw new Error(`service account ${user.serviceAccount} does not exist`);
    const issued = core.issuer.issue({
      namespace: ns,
      serviceAccount: { name, uid: sa.metadata.uid },
      expirationSeconds: 3600,
      nowSeconds: core.clock.nowSeconds(),
    });
    if (!issued.ok) throw new Error(`cannot mint a token for ${user.serviceAccount}: ${issued.message}`);
    u = { kind: 'token', name: userName(user), token: issued.issued.token };
    namespace = ns;
  }
  return kubeconfigYaml({ ...base, user: u, ...(namespace !== undefined ? { namespace } : {}) });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startTestCluster(opts: TestClusterOptions = {}): Promise<TestCluster> {
  const clock = opts.clock ?? new Clock();
  const pki = createClusterPki(clock.nowMs());
  const adminToken = randomBytes(24).toString('hex');
  const core = createCore({ clock, pki, adminToken, scheduler: opts.controlPlaneOnly !== true, kubelet: opts.controlPlaneOnly !== true });
  core.controllers.batch(() => bootstrapCluster(core.api));

  const handler = createHandler(core);
  const requests = new RequestLog();
  const server = createServer({ key: pki.server.keyPem, cert: pki.server.certPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: false });
  server.on('request', requests.record);
  server.on('upgrade', requests.record);
  const listHolds = new ListHolds();
  server.on('request', listHolds.wrap(handler.onRequest));
  server.on('upgrade', handler.onUpgrade);
  // A client that speaks garbage loses its connection, never the server.
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('tlsClientError', () => undefined);
  const port = await listen(server, opts.port ?? 0);
  core.setUrl(`https://127.0.0.1:${port}`);

  // Drop every watch and connection and stop listening; the server object, its PKI and the store stay.
  const goDown = async (): Promise<void> => {
    core.watches.closeAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  // etcd compaction every 5 minutes of cluster time, to the revision of the previous mark.
  let lastMarkMs = clock.nowMs();
  let rvAtMark = core.store.resourceVersion();
  const stopClock = clock.onAdvance((nowMs) => {
    while (nowMs - lastMarkMs >= COMPACTION_INTERVAL_MS) {
      core.store.compact(rvAtMark);
      rvAtMark = core.store.resourceVersion();
      lastMarkMs += COMPACTION_INTERVAL_MS;
    }
    core.controllers.reconcile();
  });

  const stopHooks: (() => void | Promise<void>)[] = [];
  const cluster: TestCluster = {
    url: core.url(),
    clock,
    issuer: core.issuer,
    kubelet: core.kubelets,
    store: core.store,
    api: core.api,
    logs: core.logs,
    events: core.events,
    pki,
    adminToken,
    kubeconfigFor: (user) => makeKubeconfig(core, adminToken, user),
    writeKubeconfig(dir, user = 'admin') {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, user === 'admin' ? 'kubeconfig' : `kubeconfig-${userName(user)}`);
      writeFileSync(path, makeKubeconfig(core, adminToken, user), { mode: 0o600 });
      return path;
    },
    files: [],
    writeFiles(dir) {
      return cluster.files.map((file) => {
        const path = join(dir, ...file.path.split('/'));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.textIn?.(dir) ?? file.text, { mode: file.mode ?? 0o600 });
        // The mode given to writeFileSync applies only to a new file, and through the umask.
        if (file.mode !== undefined) chmodSync(path, file.mode);
        return path;
      });
    },
    addTokenWebhook: (webhook) => core.authn.addWebhook(webhook),
    addOidcIssuer: (config) => core.authn.addOidcIssuer(config),
    batch: (fn) => core.controllers.batch(fn),
    holdControllers: () => core.controllers.hold(),
    restartContainer: (namespace, pod, container, exitCode) => {
      restartContainer(core.controllerContext, namespace, pod, container, exitCode);
      core.controllers.reconcile();
    },
    advance: (seconds) => clock.advance(seconds),
    openWatches: () => core.watches.openCount(),
    holdLists: (resource) => listHolds.hold(resource),
    requests,
    restart: async (whileDown) => {
      await goDown();
      await whileDown?.();
      await listen(server, port);
    },
    onStop: (cleanup) => {
      stopHooks.push(cleanup);
    },
    stop: async () => {
      stopClock();
      await goDown();
      for (const cleanup of stopHooks.splice(0)) await cleanup();
    },
  };
  try {
    cluster.files.push(...(await runScenarios(cluster, opts.scenarios ?? [])));
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}
