// Keys of a kubeconfig user that look right but that kubectl ignores: today `token-file`, which client-node
// reads and kubectl (client-go's AuthInfo reads `tokenFile`) does not, so the user goes out anonymous.
import * as l10n from '@vscode/l10n';
import { isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';

export interface KubeconfigKeyProblem {
  /** Offsets into the text: the key's first character and the one after its last. */
  start: number;
  end: number;
  /** The user entry's name, when it has one. */
  user?: string;
  key: string;
  message: string;
}

/** What a user is told about a `token-file` key, in the display language. */
export function ignoredTokenFileMessage(): string {
  return l10n.t('"token-file" is not a kubeconfig field; kubectl ignores it: did you mean "tokenFile"?');
}

/** The ignored keys of a user entry, each with what the user is told about it. */
const IGNORED_USER_KEYS: Readonly<Record<string, () => string>> = { 'token-file': ignoredTokenFileMessage };

/** Never throws; a text that is not YAML, or not a kubeconfig, has no such problems. */
export function findIgnoredKubeconfigKeys(text: string): KubeconfigKeyProblem[] {
  // A cheap test first: this runs on every edit of every open YAML file.
  if (!Object.keys(IGNORED_USER_KEYS).some((k) => text.includes(k))) return [];
  const doc = parseDocument(text);
  const users = isMap(doc.contents) ? doc.contents.get('users', true) : undefined;
  if (!isSeq(users)) return [];
  const out: KubeconfigKeyProblem[] = [];
  for (const item of users.items) {
    if (!isMap(item)) continue;
    const name = item.get('name');
    const user = item.get('user', true);
    if (!isMap(user)) continue;
    for (const pair of user.items) {
      if (!isPair(pair) || !isScalar(pair.key) || typeof pair.key.value !== 'string') continue;
      const message = Object.hasOwn(IGNORED_USER_KEYS, pair.key.value) ? IGNORED_USER_KEYS[pair.key.value] : undefined;
      const range = pair.key.range;
      if (message === undefined || !range) continue;
      out.push({ start: range[0], end: range[1], key: pair.key.value, message: message(), ...(typeof name === 'string' ? { user: name } : {}) });
    }
  }
  return out;
}
