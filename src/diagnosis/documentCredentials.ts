// Kubeconfig credentials found in a document open in the editor, as evidence for the
// kubeconfig rule. The UI passes what credentialAssessment made of each located credential.
import { LineIndex } from '../token/lineIndex';
import { IncrementalLocator } from '../token/locateIncremental';
import type { ExpiryOptions } from '../token/types';
import { assessCredential, type Assessment } from './credentialAssessment';
import type { KubeconfigCredentialEvidence } from './evidence';

/** `users[0].user.token` → the user name, when the document names it. */
interface DocumentContext {
  file: string;
  /** Text of the document, to turn offsets into lines. */
  text?: string;
  /** Names of kubeconfig users by index, so `users[2]` reads as its name. */
  users?: string[];
}

function userOf(path: string, users: string[] | undefined): string | undefined {
  const m = /^users\[(\d+)\]/.exec(path);
  return m && users ? users[Number(m[1])] : undefined;
}

/** Evidence for the token and certificate assessments of one document; others are left out. */
function documentCredentialEvidence(assessments: readonly Assessment[], doc: DocumentContext): KubeconfigCredentialEvidence[] {
  const out: KubeconfigCredentialEvidence[] = [];
  // One table of line starts for the document, not a count from its start for every credential.
  const lines = doc.text === undefined ? undefined : new LineIndex(doc.text);
  for (const a of assessments) {
    if (a.kind !== 'token' && a.kind !== 'certificate' && a.kind !== 'eksToken') continue;
    // A CA bundle expiring is not a credential of the user.
    if (a.kind === 'certificate' && /certificate-authority/.test(a.located.path)) continue;
    const e: KubeconfigCredentialEvidence = {
      origin: 'document',
      file: doc.file,
      path: a.located.path,
      kind: a.kind === 'certificate' ? 'clientCertificate' : 'token',
    };
    if (lines !== undefined) e.line = lines.lineAt(a.located.start);
    const user = userOf(a.located.path, doc.users);
    if (user !== undefined) e.user = user;
    if (a.expiry.issuedAt !== undefined) e.issuedAt = a.expiry.issuedAt;
    if (a.expiry.expiresAt !== undefined) e.expiresAt = a.expiry.expiresAt;
    if (a.kind === 'eksToken') e.fingerprint = a.token.fingerprint;
    if (a.kind === 'token') {
      e.fingerprint = a.token.fingerprint;
      const k = a.token.claims.kubernetes;
      if (k?.warnAfter !== undefined) e.warnAfter = k.warnAfter;
      if (k?.namespace !== undefined && k.pod)
        e.boundPod = { namespace: k.namespace, name: k.pod.name, ...(k.pod.uid !== undefined ? { uid: k.pod.uid } : {}) };
      if (k?.namespace !== undefined && k.serviceAccount) e.serviceAccount = { namespace: k.namespace, name: k.serviceAccount.name };
    }
    out.push(e);
  }
  return out;
}

/** True for text that reads as a kubeconfig (`kind: Config`, or both `clusters:` and `users:`). */
export function looksLikeKubeconfig(text: string): boolean {
  return /^kind:\s*["']?Config["']?\s*$/m.test(text) || (/^clusters:/m.test(text) && /^users:/m.test(text));
}

/** Names of `users:` entries in order, read line by line (enough to label `users[i]`). */
export function kubeconfigUserNames(text: string): string[] {
  const names: string[] = [];
  let inUsers = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^[^\s-]/.test(line)) inUsers = /^users:/.test(line);
    else if (inUsers) {
      const m = /^\s{0,2}- name:\s*["']?([^"'#\s]+)["']?\s*(?:#.*)?$/.exec(line);
      if (m?.[1] !== undefined) names.push(m[1]);
    }
  }
  return names;
}

/** Locators of the last few files, so that asking again after an edit re-parses only what changed. */
const LOCATORS_KEPT = 8;
const locators = new Map<string, IncrementalLocator>();

function locatorFor(file: string): IncrementalLocator {
  const known = locators.get(file);
  if (known !== undefined) return known;
  if (locators.size >= LOCATORS_KEPT) {
    const oldest = locators.keys().next();
    if (oldest.done !== true) locators.delete(oldest.value);
  }
  const locator = new IncrementalLocator();
  locators.set(file, locator);
  return locator;
}

/** The credentials of an open kubeconfig document as evidence; none for other documents. */
export function kubeconfigDocumentEvidence(text: string, file: string, nowSeconds: number, options?: Partial<ExpiryOptions>): KubeconfigCredentialEvidence[] {
  if (!looksLikeKubeconfig(text)) return [];
  const located = locatorFor(file).locate(text);
  const assessments = located.map((l) => assessCredential(l, nowSeconds, options));
  return documentCredentialEvidence(assessments, { file, text, users: kubeconfigUserNames(text) });
}
