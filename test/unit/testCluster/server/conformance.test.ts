// Replays every recorded kube-apiserver exchange (test/fixtures/k8s/v1.28 and v1.32) that the
// test cluster can reproduce and checks our answer has the same status, content type, kind,
// reason, message shape and keys. Exchanges that cannot be replayed are skipped with a reason.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { R } from '../../../cluster/resources';
import { create } from '../../../cluster/scenarios/build';
import { loadFixtures, readFixtureToken, readWatchEvents, type Fixture, type FixtureVersion } from './support/fixtures';
import { send, stream, type Auth, type Reply } from './support/https';
import { recipeFor, compactHistory, type Recipe } from './support/recipes';
import { ReplayEnv, type TokenMode } from './support/replayEnv';
import { messageShape, shapeDiff } from './support/shape';

const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

const CUSTOM = new Set([
  'pod-watch-payments',
  'pod-watch-payments-rv1-too-old',
  'pod-watch-payments-rv1-before-compaction',
  'pod-exec-on-node-kubelet-unreachable-websocket',
]);

function tokenModeFor(recipe: Recipe): TokenMode {
  return recipe.tokenMode ?? 'normal';
}

async function credentials(env: ReplayEnv, f: Fixture, mode: TokenMode): Promise<Auth> {
  switch (f.request.auth) {
    case 'admin':
      return 'admin-cert';
    case 'none':
      return 'none';
    case 'garbage-token':
      return { token: 'garbage' };
    default: {
      if (f.request.token === undefined) throw new Error(`${f.name}: no token file`);
      // The bad-signature fixture names its token as "(<file> with first signature char changed)".
      const file = /[\w.-]+\.jwt/.exec(f.request.token)?.[0] ?? f.request.token;
      const recorded = readFixtureToken(f.version, file);
      const authMode: TokenMode = f.request.auth === 'sa-token' ? 'normal' : mode;
      return { token: await env.translateToken(recorded, authMode) };
    }
  }
}

/** The request body with names translated and every recorded JWT replaced by a stand-in. */
async function translateBody(env: ReplayEnv, body: unknown, mode: TokenMode): Promise<unknown> {
  if (body === undefined) return undefined;
  let text = env.translate(JSON.stringify(body));
  for (const jwt of [...new Set(text.match(JWT) ?? [])]) text = text.split(jwt).join(await env.translateToken(jwt, mode));
  return JSON.parse(text) as unknown;
}

function contentType(h: Record<string, string | string[] | undefined>): string | undefined {
  const v = h['content-type'];
  return typeof v === 'string' ? v.split(';')[0] : undefined;
}

/**
 * v1.28 had no `authentication.kubernetes.io/credential-id` in user extras (v1.32 adds the
 * token's JTI or the certificate's hash); drop it from ours before comparing with 1.28.
 */
function withoutCredentialId(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const copy = structuredClone(body) as { status?: { user?: { extra?: Record<string, unknown> }; userInfo?: { extra?: Record<string, unknown> } } };
  for (const holder of [copy.status?.user, copy.status?.userInfo]) {
    if (holder?.extra === undefined) continue;
    delete holder.extra['authentication.kubernetes.io/credential-id'];
    if (Object.keys(holder.extra).length === 0) delete holder.extra;
  }
  return copy;
}

/** Differences between the recorded answer and ours; empty when they match in shape. */
function compare(env: ReplayEnv, f: Fixture, reply: Reply): string[] {
  const problems: string[] = [];
  if (reply.status !== f.response.status)
    problems.push(`status ${reply.status}, recorded ${f.response.status}: ${reply.text.replace(JWT, '<jwt>').slice(0, 300)}`);
  if (contentType(reply.headers) !== f.response.headers?.['content-type']) {
    problems.push(`content-type ${String(contentType(reply.headers))}, recorded ${String(f.response.headers?.['content-type'])}`);
  }
  const expected = f.response.body;
  if (typeof expected === 'string') {
    if (reply.text !== expected)
      problems.push(`body ${JSON.stringify(reply.text.replace(JWT, '<jwt>').slice(0, 200))}, recorded ${JSON.stringify(expected.replace(JWT, '<jwt>'))}`);
    return problems;
  }
  const actual = f.version === 'v1.28' ? withoutCredentialId(reply.json) : (reply.json as Record<string, unknown> | undefined);
  if (typeof expected !== 'object' || expected === null || actual === undefined) return [...problems, 'no JSON body'];
  const e = expected as Record<string, unknown>;
  if (e.kind !== actual.kind) problems.push(`kind ${String(actual.kind)}, recorded ${String(e.kind)}`);
  if (e.reason !== actual.reason) problems.push(`reason ${String(actual.reason)}, recorded ${String(e.reason)}`);
  if (typeof e.message === 'string') {
    const want = messageShape(env.translate(e.message));
    const got = messageShape(String(actual.message));
    if (want !== got) problems.push(`message\n    ours:     ${got}\n    recorded: ${want}`);
  }
  problems.push(...shapeDiff(expected, actual));
  return problems;
}

async function replay(env: ReplayEnv, f: Fixture, recipe: Recipe): Promise<string[]> {
  await recipe.prepare?.(env);
  const mode = tokenModeFor(recipe);
  const auth = await credentials(env, f, mode);
  const path = recipe.path !== undefined ? await recipe.path(env, f.request.path) : env.translate(f.request.path);
  const translated = await translateBody(env, f.request.body, mode);
  const body = recipe.body !== undefined ? recipe.body(env, translated) : translated;
  const headers: Record<string, string> = { ...(f.request.headers ?? {}) };
  if (f.request.accept !== undefined) headers.Accept = f.request.accept;
  const reply = await send(env.cluster, {
    method: f.request.method,
    path,
    auth,
    headers,
    ...(body !== undefined ? { body, contentType: f.request.content_type ?? 'application/json' } : {}),
  });
  return compare(env, f, reply);
}

type WatchEvent = { type: string; object: Record<string, unknown> };

function parseEvents(lines: string[]): WatchEvent[] {
  return lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as WatchEvent);
}

function compareEvents(env: ReplayEnv, recorded: WatchEvent[], ours: WatchEvent[]): string[] {
  const problems: string[] = [];
  const types = (es: WatchEvent[]): string => es.map((e) => e.type).join(',');
  if (types(recorded) !== types(ours)) problems.push(`event types ${types(ours)}, recorded ${types(recorded)}`);
  recorded.forEach((e, i) => {
    const o = ours[i];
    if (o === undefined) return;
    problems.push(...shapeDiff(e.object, o.object, `$[${i}].object`));
    const message = e.object.message;
    if (typeof message === 'string' && messageShape(env.translate(message)) !== messageShape(String(o.object.message))) {
      problems.push(`event ${i} message ${String(o.object.message)}, recorded ${message}`);
    }
  });
  return problems;
}

async function customReplay(env: ReplayEnv, f: Fixture): Promise<string[]> {
  const recorded = f.response.body_file !== undefined ? readWatchEvents(f.version, f.response.body_file) : [];
  if (f.name === 'pod-watch-payments') {
    const list = await send(env.cluster, { path: '/api/v1/namespaces/payments/pods' });
    const rv = (list.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const vault = env.cluster.store.get(R.pods, 'payments', 'vault-client');
    const result = await stream(
      env.cluster,
      { path: `/api/v1/namespaces/payments/pods?watch=1&resourceVersion=${rv}` },
      (lines) => lines.length >= recorded.length,
      15_000,
      () => {
        // What was done during the recorded watch: force-delete vault-client, re-create it, delete an api pod.
        setImmediate(() => {
          env.cluster.api.delete(R.pods, 'payments', 'vault-client', { gracePeriodSeconds: 0 });
          const applied = vault?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
          if (applied !== undefined) create(env.cluster, R.pods, 'payments', JSON.parse(applied) as Record<string, unknown>);
          const api = env.cluster.store.list(R.pods, 'payments').find((p) => p.metadata.labels?.app === 'api');
          if (api !== undefined) env.cluster.api.delete(R.pods, 'payments', api.metadata.name);
        });
      },
    );
    return [...(result.status === 200 ? [] : [`status ${result.status}`]), ...compareEvents(env, recorded, parseEvents(result.lines))];
  }
  if (f.name === 'pod-watch-payments-rv1-too-old') {
    compactHistory(env);
    // The server ends the stream after its ERROR event; the deadline is only a safety net.
    const result = await stream(env.cluster, { path: '/api/v1/namespaces/payments/pods?watch=1&resourceVersion=1' }, () => false, 10_000);
    const problems = compareEvents(env, recorded, parseEvents(result.lines));
    if (!result.ended) problems.push('the server did not close the stream after the ERROR event');
    return problems;
  }
  if (f.name === 'pod-watch-payments-rv1-before-compaction') {
    const fresh = await ReplayEnv.start(f.version, []);
    try {
      // The recorded history includes a pod that was created and deleted (api-probe).
      fresh.ensureProbe();
      fresh.cluster.api.delete(R.pods, 'payments', 'api-probe');
      // The watch stays open: what it replays in 3 s (written at once) is what it replays.
      const result = await stream(fresh.cluster, { path: '/api/v1/namespaces/payments/pods?watch=1&resourceVersion=1' }, () => false, 3_000);
      const events = parseEvents(result.lines);
      const problems: string[] = [];
      if (events.length === 0) problems.push('no events replayed from resourceVersion=1');
      if (events.some((e) => !['ADDED', 'MODIFIED', 'DELETED'].includes(e.type)))
        problems.push(`unexpected event types ${events.map((e) => e.type).join(',')}`);
      problems.push(
        ...shapeDiff(
          recorded.map((e) => e.object),
          events.map((e) => e.object),
          '$[].object',
        ),
      );
      return problems;
    } finally {
      await fresh.stop();
    }
  }
  // 1.32 WebSocket exec to a node whose kubelet is down: 101, empty stdout frame, Status on channel 3, close.
  env.ensureNodeA();
  const url = `${env.cluster.url.replace('https:', 'wss:')}${f.request.path}`;
  const frames = await new Promise<{ channel: number; data: Buffer }[]>((resolve, reject) => {
    const got: { channel: number; data: Buffer }[] = [];
    const ws = new WebSocket(url, ['v5.channel.k8s.io'], {
      ca: env.cluster.pki.ca.certPem,
      cert: env.cluster.pki.admin.certPem,
      key: env.cluster.pki.admin.keyPem,
    });
    ws.on('message', (d: Buffer) => got.push({ channel: d[0] ?? -1, data: d.subarray(1) }));
    ws.on('close', () => resolve(got));
    ws.on('error', reject);
  });
  const problems: string[] = [];
  const expectedFrames = (f.response.websocket_frames ?? []).filter(
    (x): x is { channel: number; data: unknown } => typeof x === 'object' && x !== null && 'channel' in x,
  );
  if (frames.map((x) => x.channel).join(',') !== expectedFrames.map((x) => x.channel).join(',')) {
    problems.push(`channels ${frames.map((x) => x.channel).join(',')}, recorded ${expectedFrames.map((x) => x.channel).join(',')}`);
  }
  const status = frames.find((x) => x.channel === 3);
  const recordedStatus = expectedFrames.find((x) => x.channel === 3)?.data;
  if (status !== undefined && recordedStatus !== undefined) {
    const ours = JSON.parse(status.data.toString('utf8')) as Record<string, unknown>;
    problems.push(...shapeDiff(recordedStatus, ours, '$.error'));
    if ((recordedStatus as { reason?: string }).reason !== ours.reason) problems.push(`reason ${String(ours.reason)}`);
  }
  return problems;
}

for (const version of ['v1.28', 'v1.32'] as FixtureVersion[]) {
  describe(`conformance with recorded kube-apiserver ${version}`, () => {
    const fixtures = loadFixtures(version);
    const planned = fixtures
      .map((f) => ({ f, recipe: recipeFor(f) }))
      .sort((a, b) => (a.recipe.phase ?? 0) - (b.recipe.phase ?? 0) || a.f.name.localeCompare(b.f.name));
    let env: ReplayEnv | undefined;
    before(async () => {
      env = await ReplayEnv.start(version, fixtures);
    });
    after(async () => {
      await env?.stop();
      const skipped = planned.filter((p) => p.recipe.skip !== undefined);
      process.stdout.write(`\n# ${version}: replayed ${planned.length - skipped.length} of ${planned.length} recorded exchanges; skipped:\n`);
      for (const s of skipped) process.stdout.write(`#   ${s.f.name}: ${s.recipe.skip ?? ''}\n`);
    });
    for (const { f, recipe } of planned) {
      it(f.name, { skip: recipe.skip ?? false }, async () => {
        if (env === undefined) throw new Error('cluster did not start');
        let problems: string[];
        if (CUSTOM.has(f.name)) {
          await recipe.prepare?.(env);
          problems = await customReplay(env, f);
        } else problems = await replay(env, f, recipe);
        assert.deepEqual(problems, [], `${version}/${f.name} differs from the recording:\n  ${problems.join('\n  ')}`);
      });
    }
  });
}
