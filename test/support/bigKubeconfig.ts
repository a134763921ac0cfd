// A synthetic ~1 MB kubeconfig for benches and hover tests, made of real fixture tokens and
// forge-signed certificates (made once per process and reused).
import { allFixtureJwts } from './fixtureTokens';
import { makeCa, makeCertificate } from './forgeCertificates';

export interface BigKubeconfig {
  text: string;
  /** Start offsets of every credential value written (tokens, certificate data, key data), ascending. */
  tokenOffsets: number[];
}

interface Material {
  jwts: string[];
  caData: string[];
  clientCerts: { certData: string; keyData: string }[];
}

let material: Material | undefined;

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function loadMaterial(): Material {
  if (material !== undefined) return material;
  const day = 86_400_000;
  const start = new Date(Date.UTC(2026, 0, 1));
  const cas = [makeCa('kubernetes', start, 3650), makeCa('cluster-ca-staging', start, 3650), makeCa('local-kube-ca', start, 365)];
  const clientCerts = [];
  for (let i = 0; i < 6; i++) {
    const issuer = cas[i % cas.length];
    const made = makeCertificate({
      commonName: i === 0 ? 'kubernetes-admin' : `dev-${i}`,
      organizations: i === 0 ? ['system:masters'] : ['developers', 'team-' + i],
      notBefore: start,
      notAfter: new Date(start.getTime() + (i === 5 ? 30 : 365) * day),
      issuer,
    });
    clientCerts.push({ certData: b64(made.certPem), keyData: b64(made.keyPem) });
  }
  // Some token files end with a newline; a kubeconfig value does not.
  material = { jwts: allFixtureJwts().map((t) => t.trim()), caData: cas.map((c) => b64(c.certPem)), clientCerts };
  return material;
}

// mulberry32: small, seedable, good enough to spread user kinds.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Writer {
  readonly parts: string[] = [];
  length = 0;
  readonly offsets: number[] = [];
  line(s: string): void {
    this.parts.push(s, '\n');
    this.length += s.length + 1;
  }
  /** Writes `prefix` then a credential value, recording where the value starts. */
  credential(prefix: string, value: string): void {
    this.offsets.push(this.length + prefix.length);
    this.line(prefix + value);
  }
}

export function makeBigKubeconfig(opts: { users?: number; seed?: number } = {}): BigKubeconfig {
  const users = opts.users ?? 500;
  const random = prng(opts.seed ?? 42);
  const m = loadMaterial();
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const clusters = Math.max(1, Math.ceil(users / 4));
  const w = new Writer();
  w.line('apiVersion: v1');
  w.line('kind: Config');
  w.line('preferences: {}');
  w.line('current-context: ctx-0');
  w.line('clusters:');
  for (let c = 0; c < clusters; c++) {
    w.line('- cluster:');
    w.credential('    certificate-authority-data: ', pick(m.caData));
    w.line(`    server: https://10.${c >> 8}.${c & 255}.1:6443`);
    if (c % 7 === 3) w.line('    tls-server-name: kubernetes.default.svc');
    w.line(`  name: cluster-${c}`);
  }
  w.line('contexts:');
  for (let u = 0; u < users; u++) {
    w.line('- context:');
    w.line(`    cluster: cluster-${u % clusters}`);
    if (u % 3 !== 0) w.line(`    namespace: ${pick(['payments', 'gateway', 'db', 'default'])}`);
    w.line(`    user: user-${u}`);
    w.line(`  name: ctx-${u}`);
  }
  w.line('users:');
  for (let u = 0; u < users; u++) {
    w.line(`- name: user-${u}`);
    w.line('  user:');
    const r = random();
    if (r < 0.4) {
      w.credential('    token: ', pick(m.jwts));
    } else if (r < 0.72) {
      const cert = pick(m.clientCerts);
      w.credential('    client-certificate-data: ', cert.certData);
      w.credential('    client-key-data: ', cert.keyData);
    } else if (r < 0.8) {
      w.line('    auth-provider:');
      w.line('      name: oidc');
      w.line('      config:');
      w.line('        client-id: kubernetes');
      w.line(`        idp-issuer-url: https://dex.example.com/u${u}`);
      w.credential('        id-token: ', pick(m.jwts));
      w.line(`        refresh-token: ChlvcGFxdWUtcmVmcmVzaC10b2tlbi0${u.toString(36)}`);
    } else if (r < 0.84) {
      // A token passed inline to an exec plugin: located inside a longer scalar.
      w.line('    exec:');
      w.line('      apiVersion: client.authentication.k8s.io/v1');
      w.line('      command: kubectl-token-helper');
      w.line('      args:');
      w.credential('      - "--token=', pick(m.jwts) + '"');
      w.line('      interactiveMode: Never');
    } else {
      w.line('    exec:');
      w.line('      apiVersion: client.authentication.k8s.io/v1beta1');
      w.line('      command: aws');
      w.line('      args:');
      w.line('      - --region');
      w.line(`      - ${pick(['eu-west-1', 'us-east-1', 'ap-south-1'])}`);
      w.line('      - eks');
      w.line('      - get-token');
      w.line('      - --cluster-name');
      w.line(`      - prod-${u}`);
      w.line('      env:');
      w.line('      - name: AWS_PROFILE');
      w.line(`        value: team-${u % 11}`);
      w.line('      interactiveMode: IfAvailable');
      w.line('      provideClusterInfo: false');
    }
  }
  return { text: w.parts.join(''), tokenOffsets: w.offsets };
}
