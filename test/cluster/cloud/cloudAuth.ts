// The managed clouds' authentication, installed once per test cluster: the EKS (aws-iam-authenticator),
// GKE and AKS (guard) token webhooks, the OIDC issuer (`--oidc-*` flags), the aws-auth ConfigMap and RBAC
// that lets each cloud identity read the cluster. It also keeps the cluster's time in files the fake
// plugins read (`{"nowMs":N}` for a clock that stands still, `{"offsetMs":N}` from the wall clock for one
// that flows), so a token a plugin mints is as old, for the cluster, as the cluster's clock says.

import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import type { Clock } from '../clock';
import { R } from '../resources';
import { create } from '../scenarios/build';
import type { TestCluster } from '../server';
import type { ConfigMap } from '../types';
import { eksWebhook, type AwsPrincipal, type AwsRoleMapping } from './eks';
import { entraWebhook } from './entra';
import { gkeWebhook, newGkeSecret } from './gke';
import { AKS, EKS, GKE, OIDC } from './identities';

export interface CloudAuth {
  /** The access key the fake `aws` signs with; in the fake IAM it is a session of EKS.roleArn. */
  aws: { accessKeyId: string; secretAccessKey: string };
  /** The HMAC secret the fake gke-gcloud-auth-plugin and the cluster share. */
  gkeSecretHex: string;
  /** The Entra tenant's signing key (PKCS#8 PEM) the fake kubelogin signs with; the cluster verifies with its public half. */
  entraKeyPem: string;
  /** The OIDC issuer's signing key (PKCS#8 PEM). */
  oidcKeyPem: string;
  /** The cluster's clock for the plugins: `{"nowMs":N}` while it stands still, `{"offsetMs":N}` (from the wall clock) when it flows. */
  clockText(): string;
  /** Keep the cluster's clock written at `path` (written now, and again whenever the clock moves). */
  followClock(path: string): void;
}

export const AWS_AUTH = { namespace: 'kube-system', name: 'aws-auth' } as const;
const VIEWERS_BINDING = 'clouds-viewers';

const installed = new WeakMap<TestCluster, CloudAuth>();

function rsaKeyPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** `AKIA` and sixteen characters of base32, as IAM makes access key ids. */
function accessKeyId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return `AKIA${[...randomBytes(16)].map((b) => alphabet[b % 32]).join('')}`;
}

/** aws-iam-authenticator reads mapRoles from the aws-auth ConfigMap each time, as it watches it. */
function mapRolesOf(cluster: TestCluster): AwsRoleMapping[] {
  const cm = cluster.store.peek(R.configMaps, AWS_AUTH.namespace, AWS_AUTH.name) as ConfigMap | undefined;
  const text = cm?.data?.mapRoles;
  if (text === undefined) return [];
  const parsed: unknown = parse(text);
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((m: unknown) => {
    const e = m as Partial<AwsRoleMapping>;
    return typeof e.rolearn === 'string' && typeof e.username === 'string'
      ? [{ rolearn: e.rolearn, username: e.username, groups: Array.isArray(e.groups) ? e.groups.filter((g) => typeof g === 'string') : [] }]
      : [];
  });
}

function installRbac(cluster: TestCluster): void {
  cluster.batch(() => {
    if (cluster.store.peek(R.configMaps, AWS_AUTH.namespace, AWS_AUTH.name) === undefined) {
      const mapRoles: AwsRoleMapping[] = [{ rolearn: EKS.roleArn, username: EKS.mappedUsername, groups: [...EKS.mappedGroups] }];
      create(cluster, R.configMaps, AWS_AUTH.namespace, { metadata: { name: AWS_AUTH.name }, data: { mapRoles: stringify(mapRoles) } });
    }
    if (cluster.store.peek(R.clusterRoleBindings, undefined, VIEWERS_BINDING) === undefined) {
      create(cluster, R.clusterRoleBindings, undefined, {
        metadata: { name: VIEWERS_BINDING },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [GKE.account, AKS.upn, OIDC.email].map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name })),
      });
    }
  });
}

/** Whether the clock moves by itself (one that follows the wall clock), watched for 2 ms. */
function clockFlows(clock: Clock): boolean {
  const start = clock.nowMs();
  const until = performance.now() + 2;
  while (performance.now() < until) {
    // Spin: two milliseconds tell a flowing clock from one that stands still.
  }
  return clock.nowMs() !== start;
}

/** The clouds' authentication on this cluster, installed on the first call. */
export function cloudAuthOf(cluster: TestCluster): CloudAuth {
  const existing = installed.get(cluster);
  if (existing !== undefined) return existing;

  const aws = { accessKeyId: accessKeyId(), secretAccessKey: randomBytes(30).toString('base64').replace(/[+/]/g, 'x') };
  const principals = new Map<string, AwsPrincipal>([
    [aws.accessKeyId, { secretAccessKey: aws.secretAccessKey, roleArn: EKS.roleArn, sessionName: EKS.sessionName }],
  ]);
  const gkeSecretHex = newGkeSecret();
  const entraKeyPem = rsaKeyPem();
  const oidcKeyPem = rsaKeyPem();
  const { clock } = cluster;

  installRbac(cluster);
  const removals = [
    cluster.addTokenWebhook(eksWebhook({ clusterName: EKS.clusterName, principals, mapRoles: () => mapRolesOf(cluster), clock })),
    cluster.addTokenWebhook(gkeWebhook({ secretHex: gkeSecretHex, clock })),
    cluster.addTokenWebhook(entraWebhook({ tenantId: AKS.tenantId, serverId: AKS.serverId, publicKey: createPublicKey(createPrivateKey(entraKeyPem)), clock })),
    cluster.addOidcIssuer({
      issuer: OIDC.issuer,
      audiences: [OIDC.clientId],
      publicKey: createPublicKey(createPrivateKey(oidcKeyPem)),
      usernameClaim: 'email',
      groupsClaim: 'groups',
    }),
  ];

  const clockFiles = new Set<string>();
  const flows = clockFlows(clock);
  const offsetMs = (): number => clock.nowMs() - Date.now();
  const clockText = (): string => `${JSON.stringify(flows ? { offsetMs: offsetMs() } : { nowMs: clock.nowMs() })}\n`;
  let writtenOffset = offsetMs();
  const writeClock = (): void => {
    writtenOffset = offsetMs();
    const text = clockText();
    for (const path of clockFiles) writeFileSync(path, text, { mode: 0o600 });
  };
  // A clock that flows keeps its offset from the wall clock until a test moves it; one that stands
  // still is written at each move.
  const stopClock = clock.onAdvance(() => {
    if (!flows || Math.abs(offsetMs() - writtenOffset) >= 1000) writeClock();
  });
  cluster.onStop(() => {
    stopClock();
    for (const remove of removals) remove();
  });

  const auth: CloudAuth = {
    aws,
    gkeSecretHex,
    entraKeyPem,
    oidcKeyPem,
    clockText,
    followClock(path) {
      clockFiles.add(path);
      writeClock();
    },
  };
  installed.set(cluster, auth);
  return auth;
}
