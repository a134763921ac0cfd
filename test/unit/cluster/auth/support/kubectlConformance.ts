// The two sides of the kubeconfig conformance test: the machine's kubectl and the extension's session, each
// asked who the kubeconfig's user is; plus the small servers some variants need (a CONNECT proxy, an OIDC
// provider) and an exec plugin that records what it was handed. Tokens stay in memory and in the files the
// variants are about; nothing here prints one.
import { execFile, spawnSync } from 'node:child_process';
import { type KeyObject, sign } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import type { CredentialDescription } from '../../../../../src/cluster/auth/credentials';
import { loadKubeconfig } from '../../../../../src/cluster/auth/kubeconfig';
import { openSession } from '../../../../../src/cluster/auth/session';
import { whoAmI } from '../../../../../src/cluster/actions/whoAmI';

export const KUBECTL = existsSync('/usr/bin/kubectl') ? '/usr/bin/kubectl' : 'kubectl';
const probe = spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8' });
/** Why the comparison cannot run here, or false. */
export const kubectlMissing: string | false =
  probe.error !== undefined || probe.status !== 0 ? `kubectl is not installed (${KUBECTL}); install kubectl v1.32 to compare the extension with it` : false;

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export type Answer = { ok: true; user: UserInfo } | { ok: false; message: string };

/** The environment both sides start from: no kubeconfig, no proxy from the machine. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(kubeconfig|https?_proxy|no_proxy|all_proxy)$/i.test(k)) delete env[k];
  }
  return env;
}

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** kubectl with its own HOME and cache, run from a folder where no relative path of the kubeconfig resolves. */
export function kubectl(args: string[], opts: { kubeconfig: string; home: string; cwd: string }): Promise<KubectlRun> {
  return new Promise((resolve) => {
    const env = { ...cleanEnv(), KUBECONFIG: opts.kubeconfig, HOME: opts.home, KUBECACHEDIR: path.join(opts.home, 'cache') };
    const child = execFile(KUBECTL, args, { env, cwd: opts.cwd, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
    // kubectl asks for a user name when it finds no credential; an empty stdin ends that.
    child.stdin?.end();
  });
}

export async function kubectlWhoami(opts: { kubeconfig: string; home: string; cwd: string }): Promise<Answer> {
  const r = await kubectl(['auth', 'whoami', '-o', 'json'], opts);
  // A prompt (for a user name) goes to stdout, the error to stderr.
  if (r.code !== 0) return { ok: false, message: `${r.stdout.trim()}\n${r.stderr.trim()}`.trim() };
  const body = JSON.parse(r.stdout) as { status?: { userInfo?: Partial<UserInfo> } };
  const u = body.status?.userInfo ?? {};
  const user: UserInfo = { username: u.username ?? '', groups: u.groups ?? [], extra: u.extra ?? {} };
  if (u.uid !== undefined && u.uid !== '') user.uid = u.uid;
  return { ok: true, user };
}

export interface OurAnswer {
  answer: Answer;
  /** The session's description of the credential, when a session opened. */
  description?: CredentialDescription;
}

/** The extension's path: loadKubeconfig, the session (CredentialProvider, API clients), Who Am I. */
export async function ourWhoami(kubeconfig: string, home: string): Promise<OurAnswer> {
  const env = cleanEnv();
  const load = loadKubeconfig({ env: { KUBECONFIG: kubeconfig }, home });
  const opened = openSession(load, { trustExecPlugins: true, env, execTimeoutMs: 20_000 }, { env, requestTimeoutSeconds: 20 });
  if (!opened.ok) return { answer: { ok: false, message: opened.message } };
  const { session } = opened;
  try {
    const r = await whoAmI(session.api);
    const description = session.provider.describe();
    if (!r.ok) return { answer: { ok: false, message: [r.error.message, r.error.detail].filter(Boolean).join(' | ') }, description };
    const user: UserInfo = { username: r.value.username, groups: r.value.groups, extra: r.value.extra };
    if (r.value.uid !== undefined) user.uid = r.value.uid;
    return { answer: { ok: true, user }, description };
  } finally {
    await session.api.dispose();
  }
}

/** A compact RS256 JWT signed with `key`. */
export function signJwt(key: KeyObject, claims: Record<string, unknown>): string {
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

export interface ConnectProxy {
  url: string;
  /** The `host:port` of every CONNECT it was asked for. */
  connects: string[];
  close(): Promise<void>;
}

/** An HTTP proxy that only tunnels (CONNECT), as a proxy in front of an API server does. */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405).end();
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    connects.push(target);
    const i = target.lastIndexOf(':');
    const upstream = net.connect(Number(target.slice(i + 1)), target.slice(0, i).replace(/^\[|\]$/g, ''));
    sockets.add(client);
    sockets.add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    upstream.on('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface OidcProvider {
  issuer: string;
  /** The refresh-token the token endpoint accepts. */
  refreshToken: string;
  /** How many refreshes it answered. */
  refreshes(): number;
  close(): Promise<void>;
}

/**
 * An OpenID provider as kubectl's oidc auth-provider uses it: discovery, then a refresh_token grant that returns a
 * new id-token (from `mint`) and the same refresh-token.
 */
export async function startOidcProvider(tls: { certPem: string; keyPem: string }, mint: () => string): Promise<OidcProvider> {
  const refreshToken = 'conformance-refresh-token';
  let refreshes = 0;
  let issuer = '';
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (code: number, body: unknown): void => {
        res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      };
      if (req.method === 'GET' && req.url === '/.well-known/openid-configuration') {
        return json(200, { issuer, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/keys` });
      }
      if (req.method === 'POST' && req.url === '/token') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== refreshToken) return json(400, { error: 'invalid_grant' });
        refreshes++;
        return json(200, { access_token: 'opaque-access', token_type: 'Bearer', expires_in: 3600, id_token: mint(), refresh_token: refreshToken });
      }
      json(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    refreshToken,
    refreshes: () => refreshes,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ExecPlan {
  /** The apiVersion of the ExecCredential it prints. */
  apiVersion: string;
  status: Record<string, unknown>;
  /** Answer only when KUBERNETES_EXEC_INFO names this server (provideClusterInfo); else exit 3. */
  requireServer?: string;
}

export interface RecordingPlugin {
  /** The kubeconfig `exec` stanza (add apiVersion, interactiveMode...). */
  exec: { command: string; args: string[] };
  /** KUBERNETES_EXEC_INFO of every run, parsed (null when it had none), in order. */
  runs(): unknown[];
}

// A shell script rather than Node: it starts in a millisecond, and kubectl may run it twice (token, TLS certificate).
const PLUGIN = `#!/bin/sh
dir=$(dirname "$0")
printf '%s\\n' "\${KUBERNETES_EXEC_INFO:-null}" >> "$dir/runs.jsonl"
if [ -f "$dir/require-server" ]; then
  want=$(cat "$dir/require-server")
  case "$KUBERNETES_EXEC_INFO" in
    *"\\"server\\":\\"$want\\""*) ;;
    *) echo 'no cluster information in KUBERNETES_EXEC_INFO' >&2; exit 3 ;;
  esac
fi
cat "$dir/answer.json"
`;

/** An exec credential plugin in `dir` that prints `plan`'s ExecCredential and records what it was handed. */
export function writeRecordingPlugin(dir: string, plan: ExecPlan): RecordingPlugin {
  const script = path.join(dir, 'plugin.sh');
  writeFileSync(script, PLUGIN, { mode: 0o700 });
  writeFileSync(path.join(dir, 'answer.json'), JSON.stringify({ apiVersion: plan.apiVersion, kind: 'ExecCredential', status: plan.status }), { mode: 0o600 });
  if (plan.requireServer !== undefined) writeFileSync(path.join(dir, 'require-server'), plan.requireServer);
  appendFileSync(path.join(dir, 'runs.jsonl'), '');
  return {
    exec: { command: script, args: [] },
    runs: () =>
      readFileSync(path.join(dir, 'runs.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l): unknown => JSON.parse(l)),
  };
}
