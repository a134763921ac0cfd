// Raw secrets where none may be. The secrets are pulled out of the text that holds them (a scenario's
// logs, a kubeconfig) in every format the extension masks, then looked for in the files a run wrote
// (the output channel's log, the history) and in what a view showed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Shorter values (a cookie `theme=dark`) are words, not secrets, and would be found everywhere. */
const MIN_SECRET_CHARS = 12;
/** Longer values are bodies (a 1 MiB cookie header of filler), not secrets; a 5,000-deep JWT in base64 still fits. */
const MAX_SECRET_CHARS = 64 * 1024;

export interface Secret {
  /** What kind of secret, for the message; never the secret itself. */
  kind: string;
  value: string;
}

/** Each secret format: its value is group 1 (the whole match when no group); `whole` adds the whole match too. */
const FORMATS: { kind: string; re: RegExp; whole?: boolean }[] = [
  { kind: 'JWT', re: /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g },
  { kind: 'URL password', re: /:\/\/[^\s/?#@:"'<>]+:([^\s/?#@"'<>]+)@/g },
  { kind: 'password value', re: /\bpass(?:word|wd)["']?\s*[:=]\s*["']?([^\s"',;\\]+)/gi },
  { kind: 'OpenShift token', re: /sha256~([A-Za-z0-9_-]{20,})/g, whole: true },
  { kind: 'EKS token', re: /k8s-aws-v1\.([A-Za-z0-9_-]{20,})/g, whole: true },
  { kind: 'kubeconfig token', re: /^\s*token:\s*(\S+)/gm },
  { kind: 'bearer token', re: /\bbearer\s+([A-Za-z0-9._~+/=-]+)/gi },
];

/** `-----BEGIN … PRIVATE KEY-----` to its END, with real newlines or `\n` escapes between. */
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----([\s\S]*?)-----END [A-Z0-9 ]*PRIVATE KEY-----/g;
/** `Cookie: a=b; c=d` and `cookie="a=b; Path=/"`: every value. */
const COOKIE = /\bcookie["']?\s*[:=]\s*["']?([^\r\n"']+)/gi;

/** The raw secrets in `text`, each format the extension masks. A JWT's signature alone counts too: it is as good as the token to a log reader. */
export function secretsIn(text: string): Secret[] {
  const found = new Map<string, string>();
  const add = (kind: string, value: string | undefined): void => {
    if (value !== undefined && value.length >= MIN_SECRET_CHARS && value.length <= MAX_SECRET_CHARS && !found.has(value)) found.set(value, kind);
  };
  for (const { kind, re, whole } of FORMATS) {
    for (const m of text.matchAll(re)) {
      add(kind, m[1] ?? m[0]);
      if (whole === true) add(kind, m[0]);
      if (kind === 'JWT') {
        add('JWT signature', m[0].split('.')[2]);
        // As a Secret's `data.token` carries it.
        add('JWT in base64', Buffer.from(m[0]).toString('base64'));
      }
    }
  }
  for (const m of text.matchAll(PEM_PRIVATE_KEY)) {
    // Every line of the body: a key leaked in part is leaked.
    for (const run of (m[1] ?? '').split(/\\n|\s/)) add('PEM private key line', run);
  }
  for (const m of text.matchAll(COOKIE)) {
    for (const pair of (m[1] ?? '').split(';')) add('cookie value', pair.split('=').slice(1).join('=').trim().split(/\s/)[0]);
  }
  return [...found].map(([value, kind]) => ({ kind, value }));
}

export interface Place {
  name: string;
  text: string;
}

/** A sentence for each secret found in a place, naming the kind and the place, never the secret. */
export function leaks(places: readonly Place[], secrets: readonly Secret[]): string[] {
  const out: string[] = [];
  for (const place of places) {
    for (const s of secrets) if (place.text.includes(s.value)) out.push(`${place.name} holds a raw ${s.kind} (${s.value.slice(0, 4)}…)`);
  }
  return out;
}

/** Every file under `dir`. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}
