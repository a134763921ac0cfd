// Token Health's verdicts: a window is judged only when the session holds its token (a live reading, a decoded
// legacy Secret, a requested token in memory), with the verdict the tree and the hover give, in the hover's words.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LegacySecretItem, LiveTokenReading } from '../../../../src/cluster/inventory/types';
import { buildTimeline, type TokenWindow } from '../../../../src/diagnosis/timeline';
import { tokenVerdict, type ApiServerIdentity, type BoundObjects, type Presence, type SignatureInput } from '../../../../src/diagnosis/tokenVerdict';
import type { Subject, TokenObservation } from '../../../../src/history/types';
import { LEGACY_ISSUER, readClaims } from '../../../../src/token/claims';
import { fingerprint } from '../../../../src/token/fingerprint';
import type { DecodedToken } from '../../../../src/token/types';
import { verdictText } from '../../../../src/ui/markdown/verdictText';
import { judgeWindows, nextVerdictChangeMs, windowKey, withVerdicts, type SessionTokens } from '../../../../src/ui/tokenHealth/windowVerdicts';

const NOW = 1_800_000_000;
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const SERVER: ApiServerIdentity = { issuer: ISSUER, audiences: [ISSUER], audiencesComplete: true };
const PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const POD = { name: 'api-1', uid: 'pod-uid' };
const SA = { name: 'api', uid: 'sa-uid' };

const fileSubject: Subject = { context: 'test', namespace: 'payments', pod: POD.name, podUid: POD.uid, serviceAccount: 'api', container: 'api', path: PATH };

function claims(extra: Record<string, unknown> = {}, k8s: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: [ISSUER],
    iat: NOW - 600,
    nbf: NOW - 600,
    exp: NOW + 3000,
    sub: 'system:serviceaccount:payments:api',
    'kubernetes.io': { namespace: 'payments', serviceaccount: SA, ...k8s },
    ...extra,
  };
}

function decoded(payload: Record<string, unknown>, fp: string): DecodedToken {
  return { header: { alg: 'RS256' }, claims: readClaims(payload), fingerprint: fp };
}

/** A JWT as Request Token hands it over (unsigned here: the test's verdictOfRaw stands in for the key check). */
function rawToken(payload: Record<string, unknown>): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'k' })}.${part(payload)}.c2lnbmF0dXJl`;
}

function observed(subject: Subject, fp: string, source: TokenObservation['source']): TokenObservation {
  return { kind: 'token', at: (NOW - 300) * 1000, subject, source, fingerprint: fp, iat: NOW - 600, exp: NOW + 3000 };
}

/** The session: which pods and service accounts exist, what it read and decoded, what it holds in memory. */
function session(o: { pods?: string[]; readings?: Map<string, LiveTokenReading>; secrets?: LegacySecretItem[]; held?: Map<string, string> }): SessionTokens {
  const present = (uid: string): Presence => ({ state: 'present', uid });
  const objects: BoundObjects = {
    serviceAccount: () => present(SA.uid),
    pod: (_ns, name) => ((o.pods ?? [POD.name]).includes(name) ? present(POD.uid) : { state: 'absent' }),
    secret: () => present('secret-uid'),
    tokenSecret: (_ns, name) => {
      const s = o.secrets?.find((x) => x.name === name);
      return s !== undefined
        ? { state: 'present', uid: s.uid, ...(s.fingerprint !== undefined ? { tokenFingerprint: s.fingerprint } : {}) }
        : { state: 'absent' };
    },
  };
  const judge = (token: DecodedToken, signature: SignatureInput) => tokenVerdict({ token, signature, server: SERVER, objects, nowSec: NOW });
  const held = o.held;
  return {
    context: 'test',
    reading: (f) => o.readings?.get(`${f.podUid}/${f.container}/${f.path}`),
    secrets: o.secrets ?? [],
    ...(held !== undefined ? { held: (fp: string) => held.get(fp) } : {}),
    verdict: judge,
    checkSignature: () => Promise.resolve({ status: 'signed' }),
  };
}

function liveReading(token: DecodedToken): Map<string, LiveTokenReading> {
  return new Map([[`${POD.uid}/api/${PATH}`, { ok: true, atMs: NOW * 1000, token, signature: { status: 'signed' } }]]);
}

function byFingerprint(windows: readonly TokenWindow[], fp: string): TokenWindow {
  const w = windows.find((x) => x.fingerprint === fp);
  assert.ok(w, `window ${fp}`);
  return w;
}

describe("Token Health's verdicts", () => {
  it("judges the token file's current token as the tree does, and not the token it replaced", async () => {
    const current = decoded(claims({}, { pod: POD }), 'bbbbbbbbbbbbbbbb');
    const t = buildTimeline([observed(fileSubject, 'aaaaaaaaaaaaaaaa', 'liveRead'), observed(fileSubject, 'bbbbbbbbbbbbbbbb', 'liveRead')], [], NOW * 1000);
    const judged = await judgeWindows(t.windows, session({ readings: liveReading(current) }));
    assert.deepEqual(
      judged.map((j) => [j.key, j.verdict]),
      [[windowKey(byFingerprint(t.windows, 'bbbbbbbbbbbbbbbb')), { tone: 'accepted', text: 'On context test: accepted by this API server' }]],
    );
    // Its pod deleted: refused, and why, in the words the hover uses.
    const gone = await judgeWindows(t.windows, session({ readings: liveReading(current), pods: [] }));
    const expected = verdictText(
      'test',
      tokenVerdict({
        token: current,
        signature: { status: 'signed' },
        server: SERVER,
        objects: {
          serviceAccount: () => ({ state: 'present', uid: SA.uid }),
          pod: () => ({ state: 'absent' }),
          secret: () => ({ state: 'absent' }),
          tokenSecret: () => ({ state: 'absent' }),
        },
        nowSec: NOW,
      }),
    );
    assert.deepEqual(gone[0]?.verdict, { tone: 'refused', text: expected });
    assert.equal(gone[0]?.verdict.text, 'On context test, refused: invalidated: its pod api-1 (uid pod-uid) is gone');
  });

  it('judges a requested token for another audience while its token is held, and says nothing once it is not', async () => {
    const payload = claims({ aud: ['vault'] }, { pod: POD });
    const raw = rawToken(payload);
    const fp = fingerprint(raw);
    const requested: Subject = { context: 'test', namespace: 'payments', serviceAccount: 'api', pod: POD.name };
    const t = buildTimeline([observed(requested, fp, 'tokenRequest')], [], NOW * 1000);
    const judged = await judgeWindows(t.windows, session({ held: new Map([[fp, raw]]) }));
    assert.deepEqual(judged[0]?.verdict, {
      tone: 'refused',
      text: `On context test, refused: for audience vault, not accepted by this API server (it accepts ${ISSUER})`,
    });
    assert.deepEqual(await judgeWindows(t.windows, session({ held: new Map() })), [], 'no longer held: no verdict');
    assert.deepEqual(await judgeWindows(t.windows, session({})), [], 'no vault: no verdict');
    // A held token whose fingerprint is not the window's is not taken for it.
    assert.deepEqual(await judgeWindows(t.windows, session({ held: new Map([[fp, rawToken(claims())]]) })), []);
  });

  it('judges a legacy token Secret the inventory decoded, and says stale with what stale means', async () => {
    const legacyPayload = { iss: LEGACY_ISSUER, sub: 'system:serviceaccount:payments:api', 'kubernetes.io/serviceaccount/namespace': 'payments' };
    const legacy = decoded(
      {
        ...legacyPayload,
        'kubernetes.io/serviceaccount/secret.name': 'api-token',
        'kubernetes.io/serviceaccount/service-account.name': 'api',
        'kubernetes.io/serviceaccount/service-account.uid': SA.uid,
      },
      'cccccccccccccccc',
    );
    const secret: LegacySecretItem = {
      namespace: 'payments',
      name: 'api-token',
      uid: 's-uid',
      serviceAccount: 'api',
      token: legacy,
      fingerprint: 'cccccccccccccccc',
    };
    const lane: Subject = { context: 'test', namespace: 'payments', serviceAccount: 'api', path: 'secret/api-token' };
    const t = buildTimeline([observed(lane, 'cccccccccccccccc', 'secret')], [], NOW * 1000);
    const judged = await judgeWindows(t.windows, session({ secrets: [{ ...secret, signature: { status: 'signed' } }] }));
    assert.deepEqual(judged[0]?.verdict, { tone: 'accepted', text: 'On context test: accepted by this API server' });
    // Its signature not checked yet: not known, as the tree says it.
    const unchecked = await judgeWindows(t.windows, session({ secrets: [secret] }));
    assert.equal(unchecked[0]?.verdict.tone, 'unknown');
    assert.match(unchecked[0]?.verdict.text ?? '', /its signature has not been checked yet/);
    // The Secret gone from the inventory: its token is no longer held, so nothing is said.
    assert.deepEqual(await judgeWindows(t.windows, session({})), []);

    const stale = decoded(claims({ exp: NOW + 300 * 86400 }, { pod: POD, warnafter: NOW - 60 }), 'dddddddddddddddd');
    const t2 = buildTimeline([observed(fileSubject, 'dddddddddddddddd', 'liveRead')], [], NOW * 1000);
    const [s] = await judgeWindows(t2.windows, session({ readings: liveReading(stale) }));
    assert.equal(s?.verdict.tone, 'stale');
    assert.match(
      s?.verdict.text ?? '',
      /^On context test: accepted by this API server, but stale: past its warnafter, .*the kubelet would have replaced it by now$/,
    );
  });

  it("says nothing of another context's windows, kubeconfig tokens, or tokens without service-account claims", async () => {
    const token = decoded(claims({}, { pod: POD }), 'eeeeeeeeeeeeeeee');
    const other = buildTimeline([observed({ ...fileSubject, context: 'prod' }, 'eeeeeeeeeeeeeeee', 'liveRead')], [], NOW * 1000);
    assert.deepEqual(await judgeWindows(other.windows, session({ readings: liveReading(token) })), []);
    const kubeconfig = buildTimeline([observed({ context: 'test', path: '/home/u/.kube/config' }, 'eeeeeeeeeeeeeeee', 'kubeconfig')], [], NOW * 1000);
    assert.deepEqual(await judgeWindows(kubeconfig.windows, session({ readings: liveReading(token) })), []);
    const plain = decoded({ iss: ISSUER, aud: [ISSUER], exp: NOW + 60 }, 'eeeeeeeeeeeeeeee');
    const file = buildTimeline([observed(fileSubject, 'eeeeeeeeeeeeeeee', 'liveRead')], [], NOW * 1000);
    assert.deepEqual(await judgeWindows(file.windows, session({ readings: liveReading(plain) })), []);
  });

  it('keeps judging a token the session held after its pod is gone, from the claims it remembers, never the token', async () => {
    const current = decoded(claims({}, { pod: POD }), 'bbbbbbbbbbbbbbbb');
    const t = buildTimeline([observed(fileSubject, 'bbbbbbbbbbbbbbbb', 'liveRead')], [], NOW * 1000);
    const memory = new Map();
    assert.equal((await judgeWindows(t.windows, session({ readings: liveReading(current) }), memory))[0]?.verdict.tone, 'accepted');
    // The pod deleted: the inventory drops it and the session forgets its reading.
    const [after] = await judgeWindows(t.windows, session({ pods: [] }), memory);
    assert.deepEqual(after?.verdict, { tone: 'refused', text: 'On context test, refused: invalidated: its pod api-1 (uid pod-uid) is gone' });
    assert.deepEqual(
      [...memory.values()].map((m: { token: DecodedToken }) => Object.keys(m).sort()),
      [['signature', 'token']],
    );
    // Without the memory (another session), nothing is said.
    assert.deepEqual(await judgeWindows(t.windows, session({ pods: [] })), []);
  });

  it("checks a held requested token's signature against the cluster's keys: another cluster's key is refused", async () => {
    const raw = rawToken(claims());
    const t = buildTimeline([observed({ context: 'test', namespace: 'payments', serviceAccount: 'api' }, fingerprint(raw), 'tokenRequest')], [], NOW * 1000);
    const tokens = {
      ...session({ held: new Map([[fingerprint(raw), raw]]) }),
      checkSignature: () => Promise.resolve({ status: 'notSigned' as const, reason: 'no key k' }),
    };
    const [j] = await judgeWindows(t.windows, tokens);
    assert.deepEqual(j?.verdict, {
      tone: 'refused',
      text: "On context test, refused: not signed by this cluster's keys (no key k): the API server refuses it",
    });
  });

  it('puts each verdict on its window and takes an old one off', async () => {
    const current = decoded(claims({}, { pod: POD }), 'bbbbbbbbbbbbbbbb');
    const t = buildTimeline([observed(fileSubject, 'aaaaaaaaaaaaaaaa', 'liveRead'), observed(fileSubject, 'bbbbbbbbbbbbbbbb', 'liveRead')], [], NOW * 1000);
    const judged = await judgeWindows(t.windows, session({ readings: liveReading(current) }));
    const windows = withVerdicts(
      t.windows.map((w) => ({ ...w, verdict: { tone: 'refused' as const, text: 'old' } })),
      judged,
    );
    assert.equal(byFingerprint(windows, 'aaaaaaaaaaaaaaaa').verdict, undefined);
    assert.deepEqual(byFingerprint(windows, 'bbbbbbbbbbbbbbbb').verdict, { tone: 'accepted', text: 'On context test: accepted by this API server' });
  });

  it('names the next moment a verdict changes with time: warnafter, expiry and the end of the leeway after it', () => {
    const token = decoded(claims({ exp: NOW + 3000 }, { warnafter: NOW + 1000 }), 'ffffffffffffffff');
    const judged = [{ key: 'k', verdict: { tone: 'accepted' as const, text: '' }, token }];
    assert.equal(nextVerdictChangeMs(judged, NOW * 1000), (NOW + 1001) * 1000);
    assert.equal(nextVerdictChangeMs(judged, (NOW + 1001) * 1000), (NOW + 3000) * 1000);
    assert.equal(nextVerdictChangeMs(judged, (NOW + 3000) * 1000), (NOW + 3061) * 1000);
    assert.equal(nextVerdictChangeMs(judged, (NOW + 3061) * 1000), undefined);
    assert.equal(nextVerdictChangeMs([], NOW * 1000), undefined);
  });
});
