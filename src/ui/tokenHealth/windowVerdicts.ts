// The verdicts Token Health shows next to its timeline: for each token window of the active context, what its API
// server would answer to it, judged as the tree and the hover judge (app/tokenVerdicts.ts). History keeps claims and
// fingerprints only, never a token, so a window is judged only when the session holds its token: a live reading of
// its token file, a legacy token Secret the inventory decoded, or a requested token held in memory (whose signature
// is checked as the hover checks it). A panel remembers the decoded token and its signature check (never the raw
// token) for the session, so a token whose pod or Secret is deleted is still judged: refused, and why. The rest get
// no verdict. No vscode import: the panel host gives it the session, tests give it data.
import * as l10n from '@vscode/l10n';
import type { LegacySecretItem, LiveTokenReading, SignatureCheck } from '../../cluster/inventory/types';
import type { TokenWindow, WindowVerdict } from '../../diagnosis/timeline';
import { LEEWAY_SECONDS, type TokenVerdict } from '../../diagnosis/tokenVerdict';
import { decodeToken } from '../../token/jwt';
import type { DecodedToken } from '../../token/types';
import { verdictText } from '../markdown/verdictText';

/** What the active session holds of tokens, and its verdicts on them. */
export interface SessionTokens {
  context: string;
  /** The live reading of a token file, when one was made this session. */
  reading(file: { podUid: string; container: string; path: string }): LiveTokenReading | undefined;
  /** The legacy token Secrets the inventory decoded. */
  secrets: readonly LegacySecretItem[];
  /** A requested token still held in this window's memory (Request Token), by fingerprint. */
  held?(fingerprint: string): string | undefined;
  /** The verdict on a token whose signature was checked (the tree's). */
  verdict(token: DecodedToken, signature: SignatureCheck): TokenVerdict;
  /** A raw token's signature checked against the cluster's keys, once its issuer is known (the hover's). */
  checkSignature(raw: string): Promise<SignatureCheck>;
}

/** A token the session held and its signature check: claims and fingerprint, never the token. */
export interface JudgedToken {
  token: DecodedToken;
  signature: SignatureCheck;
}

/** What a panel remembers of the tokens it judged this session, by windowKey. */
export type TokenMemory = Map<string, JudgedToken>;

/** A window the session could judge. */
export interface JudgedWindow {
  /** windowKey of the window. */
  key: string;
  verdict: WindowVerdict;
  /** The token judged, for when its verdict changes with time. */
  token: DecodedToken;
}

/** A window's identity in one timeline: one window per lane and fingerprint. */
export function windowKey(w: Pick<TokenWindow, 'lane' | 'fingerprint'>): string {
  return `${w.lane}\u0000${w.fingerprint}`;
}

type Held = JudgedToken | { token: DecodedToken; raw: string };

/** A Secret's token whose signature the inventory has not checked. */
function notChecked(): SignatureCheck {
  return { status: 'unchecked', reason: l10n.t('its signature has not been checked yet') };
}

/** The token of `w` as the session holds it now, matched by fingerprint; undefined when it holds none. */
function heldToken(w: TokenWindow, tokens: SessionTokens): Held | undefined {
  const s = w.subject;
  switch (w.source) {
    case 'liveRead': {
      if (s.podUid === undefined || s.container === undefined || s.path === undefined) return undefined;
      const r = tokens.reading({ podUid: s.podUid, container: s.container, path: s.path });
      // The file's latest reading: an older token of the same file is no longer held.
      return r?.ok === true && r.token.fingerprint === w.fingerprint ? { token: r.token, signature: r.signature } : undefined;
    }
    case 'secret': {
      const secret = tokens.secrets.find((x) => x.namespace === s.namespace && x.token?.fingerprint === w.fingerprint);
      return secret?.token !== undefined ? { token: secret.token, signature: secret.signature ?? notChecked() } : undefined;
    }
    case 'tokenRequest': {
      const raw = tokens.held?.(w.fingerprint);
      if (raw === undefined) return undefined;
      const decoded = decodeToken(raw);
      return decoded.ok && decoded.token.fingerprint === w.fingerprint ? { token: decoded.token, raw } : undefined;
    }
    case 'kubeconfig':
      return undefined;
  }
}

/**
 * The verdicts of the windows of `tokens.context` whose token the session holds, or `memory` holds from earlier in
 * the session; another cluster's token gets none. Each token judged is put in `memory`.
 */
export async function judgeWindows(windows: readonly TokenWindow[], tokens: SessionTokens, memory: TokenMemory = new Map()): Promise<JudgedWindow[]> {
  const out: JudgedWindow[] = [];
  for (const w of windows) {
    if (w.subject.context !== tokens.context) continue;
    const key = windowKey(w);
    const held = heldToken(w, tokens);
    // A service-account token only: one without the kubernetes.io claims is not the API server's to judge this way.
    if (held !== undefined && held.token.claims.kubernetes === undefined) continue;
    const judged: JudgedToken | undefined =
      held === undefined ? memory.get(key) : 'raw' in held ? { token: held.token, signature: await tokens.checkSignature(held.raw) } : held;
    if (judged === undefined) continue;
    memory.set(key, judged);
    const verdict = tokens.verdict(judged.token, judged.signature);
    const text = verdictText(tokens.context, verdict);
    if (text === undefined || verdict.outcome === 'foreign') continue;
    const tone = verdict.outcome === 'accepted' ? (verdict.stale ? 'stale' : 'accepted') : verdict.outcome;
    out.push({ key, verdict: { tone, text }, token: judged.token });
  }
  return out;
}

/** `windows` with the verdicts of `judged` set, and any older verdict taken off. */
export function withVerdicts(windows: readonly TokenWindow[], judged: readonly JudgedWindow[]): TokenWindow[] {
  const byKey = new Map(judged.map((j) => [j.key, j.verdict]));
  return windows.map((w) => {
    const { verdict: _old, ...rest } = w;
    const verdict = byKey.get(windowKey(w));
    return verdict !== undefined ? { ...rest, verdict } : rest;
  });
}

/**
 * The next moment (ms) a verdict of `judged` can change with time alone: a token coming into its validity, reaching
 * its expiry or leaving the API server's leeway after it, or passing its warnafter. Undefined when none is ahead.
 */
export function nextVerdictChangeMs(judged: readonly JudgedWindow[], nowMs: number): number | undefined {
  const nowSec = nowMs / 1000;
  let next: number | undefined;
  for (const { token } of judged) {
    const { nbf, iat, exp } = token.claims;
    const warnAfter = token.claims.kubernetes?.warnAfter;
    const moments = [
      nbf !== undefined ? nbf - LEEWAY_SECONDS : undefined,
      nbf,
      iat !== undefined ? iat - LEEWAY_SECONDS : undefined,
      exp,
      exp !== undefined ? exp + LEEWAY_SECONDS + 1 : undefined,
      warnAfter !== undefined && warnAfter !== 0 ? warnAfter + 1 : undefined,
    ];
    for (const m of moments) if (m !== undefined && m > nowSec && (next === undefined || m < next)) next = m;
  }
  return next === undefined ? undefined : next * 1000;
}
