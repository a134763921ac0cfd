// The parts of a running test cluster, wired together once and handed to every route.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAuthenticator, type Authenticator } from './auth';
import type { ClusterPki } from './ca';
import type { Clock } from './clock';
import type { ControllerContext } from './controllers/context';
import { KubeletFleet } from './controllers/kubeletFleet';
import { ControllerManager } from './controllers/manager';
import { createEventRecorder, type EventRecorder } from './events';
import { ObjectApi } from './objectApi';
import { PodLogs } from './podLogs';
import { Store } from './store';
import { TokenIssuer } from './tokenIssuer';
import type { UserInfo } from './types';
import { createWatchHub, type WatchHub } from './watch';

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.6',
  gitCommit: '9894294ef13a5b32803e3ca2c0d620a088cc84d1',
  gitTreeState: 'clean',
  buildDate: '2025-06-17T18:26:44Z',
  goVersion: 'go1.23.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export interface CoreOptions {
  clock: Clock;
  pki: ClusterPki;
  adminToken: string;
  scheduler: boolean;
  kubelet: boolean;
}

export interface ClusterCore {
  clock: Clock;
  pki: ClusterPki;
  store: Store;
  api: ObjectApi;
  controllers: ControllerManager;
  controllerContext: ControllerContext;
  issuer: TokenIssuer;
  kubelets: KubeletFleet;
  logs: PodLogs;
  events: EventRecorder;
  authn: Authenticator;
  watches: WatchHub;
  /** `https://127.0.0.1:PORT`, known once the server listens. */
  url(): string;
  setUrl(url: string): void;
}

export function createCore(o: CoreOptions): ClusterCore {
  const store = new Store(o.clock);
  // The apiserver caches good token authentications for 10 s (see the "still cached" fixtures).
  const issuer = TokenIssuer.create({ successCacheSeconds: 10 });
  const kubelets = new KubeletFleet(issuer, o.clock);
  const logs = new PodLogs(o.clock);
  const events = createEventRecorder(store);
  let manager: ControllerManager | undefined;
  const api = new ObjectApi(store, () => manager?.reconcile());
  const controllerContext: ControllerContext = {
    store,
    api,
    clock: o.clock,
    events,
    issuer,
    caPem: o.pki.ca.certPem,
    kubelets,
    logs,
    options: { scheduler: o.scheduler, kubelet: o.kubelet },
  };
  manager = new ControllerManager(controllerContext);
  let url = '';
  return {
    clock: o.clock,
    pki: o.pki,
    store,
    api,
    controllers: manager,
    controllerContext,
    issuer,
    kubelets,
    logs,
    events,
    authn: createAuthenticator({ store, issuer, clock: o.clock, adminToken: o.adminToken }),
    watches: createWatchHub(store, o.clock),
    url: () => url,
    setUrl: (u) => {
      url = u;
    },
  };
}

/** One request on its way through the handler. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  user: UserInfo;
}
