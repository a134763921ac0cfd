// A folder of kubeconfigs, Secrets and manifests holding real recorded tokens (expired, stale, legacy)
// and real certificates (valid and expired): the demo opens it, and the end-to-end tests hover in it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeCertificate } from './forgeCertificates';
import { fixtureJson, fixtureJwt } from './fixtureTokens';

const DAY = 24 * 3600 * 1000;

export interface SampleWorkspace {
  dir: string;
  /** Files by role, relative to dir. */
  files: { kubeconfig: string; legacySecret: string; manifest: string; dotKubeConfig: string; bareKubeconfig: string };
  /** Names of the kubeconfig users and what their credential is. */
  users: Record<string, string>;
}

interface SecretBody {
  metadata: { name: string; namespace: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  type: string;
  data: Record<string, string>;
}

export function writeSampleWorkspace(dir: string, now = new Date()): SampleWorkspace {
  mkdirSync(join(dir, 'kubeconfigs'), { recursive: true });
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  mkdirSync(join(dir, 'manifests'), { recursive: true });
  mkdirSync(join(dir, '.kube'), { recursive: true });

  const ca = makeCertificate({
    commonName: 'demo-cluster-ca',
    isCA: true,
    notBefore: new Date(now.getTime() - 400 * DAY),
    notAfter: new Date(now.getTime() + 3000 * DAY),
  });
  const admin = makeCertificate({
    commonName: 'admin',
    organizations: ['system:masters'],
    issuer: ca,
    notBefore: new Date(now.getTime() - 10 * DAY),
    notAfter: new Date(now.getTime() + 355 * DAY),
  });
  const oldAdmin = makeCertificate({
    commonName: 'old-admin',
    organizations: ['system:masters'],
    issuer: ca,
    notBefore: new Date(now.getTime() - 400 * DAY),
    notAfter: new Date(now.getTime() - 35 * DAY),
  });

  const users: Record<string, string> = {
    'payments-api': 'service-account token that expired (TokenRequest, 600 s)',
    'ci-deployer': 'pod-bound service-account token with a one-year exp and a warnafter (3607 s request)',
    admin: 'client certificate, valid',
    'old-admin': 'client certificate that expired 35 days ago',
    'cloud-sso': 'exec plugin (never run by the demo)',
  };
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'payments',
    clusters: [{ name: 'demo', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': base64(ca.certPem) } }],
    contexts: Object.keys(users).map((user) => ({
      name: user === 'payments-api' ? 'payments' : user,
      context: { cluster: 'demo', user, namespace: 'payments' },
    })),
    users: [
      { name: 'payments-api', user: { token: fixtureJwt('v1.32', 'api-unbound-600s.jwt') } },
      { name: 'ci-deployer', user: { token: fixtureJwt('v1.32', 'api-bound-pod-3607s.jwt') } },
      { name: 'admin', user: { 'client-certificate-data': base64(admin.certPem), 'client-key-data': base64(admin.keyPem) } },
      { name: 'old-admin', user: { 'client-certificate-data': base64(oldAdmin.certPem), 'client-key-data': base64(oldAdmin.keyPem) } },
      {
        name: 'cloud-sso',
        user: {
          exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'cloud-sso-login', args: ['token', '--cluster', 'demo'], interactiveMode: 'Never' },
        },
      },
    ],
  };
  const files = {
    kubeconfig: 'kubeconfigs/demo.kubeconfig',
    legacySecret: 'secrets/patroni-token.yaml',
    manifest: 'manifests/vault-client.yaml',
    // Named as kubectl and cloud CLIs name them, with no extension: they must still open as YAML.
    dotKubeConfig: '.kube/config',
    bareKubeconfig: 'kubeconfigs/kubeconfig',
  };
  writeFileSync(
    join(dir, files.kubeconfig),
    `# A kubeconfig with one user of each kind. Hover a token or certificate to decode it.\n${stringify(kubeconfig, { lineWidth: 0 })}`,
  );

  // No credential of their own (an exec plugin the demo never runs), so they add nothing to Problems.
  const bare = {
    ...kubeconfig,
    'current-context': 'cloud-sso',
    contexts: kubeconfig.contexts.filter((c) => c.name === 'cloud-sso'),
    users: kubeconfig.users.filter((u) => u.name === 'cloud-sso'),
  };
  for (const file of [files.dotKubeConfig, files.bareKubeconfig])
    writeFileSync(join(dir, file), `# A kubeconfig without an extension.\n${stringify(bare, { lineWidth: 0 })}`);

  const secret = fixtureJson<{ response: { body: SecretBody } }>('v1.32', 'secret-get-legacy-sa-token-after-use').response.body;
  const secretDoc = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secret.metadata.name, namespace: secret.metadata.namespace, annotations: secret.metadata.annotations, labels: secret.metadata.labels },
    type: secret.type,
    data: secret.data,
  };
  writeFileSync(
    join(dir, files.legacySecret),
    `# A legacy service-account token Secret, as the API server filled it in.\n${stringify(secretDoc, { lineWidth: 0 })}`,
  );

  const vaultToken = fixtureJwt('v1.28', 'api-audience-vault-1800s.jwt');
  const manifest = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'vault-client-config', namespace: 'payments' },
      data: { 'auth-header': `Authorization: Bearer ${vaultToken}` },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'vault-client', namespace: 'payments' },
      spec: {
        serviceAccountName: 'api',
        containers: [
          {
            name: 'client',
            image: 'curlimages/curl:8.10.1',
            args: ['--header', `Authorization: Bearer ${vaultToken}`, 'https://vault.payments.svc:8200/v1/sys/health'],
          },
        ],
      },
    },
  ];
  writeFileSync(join(dir, files.manifest), manifest.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'));

  writeFileSync(
    join(dir, 'README.md'),
    '# Cluster Credentials sample\n\nOpen any file under `kubeconfigs/`, `secrets/` or `manifests/` and hover a token or certificate. Expired ones are listed in the Problems panel.\n',
  );
  return { dir, files, users };
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
