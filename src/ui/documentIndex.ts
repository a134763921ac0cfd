// Which documents we look at, and their located credentials cached per document version, so a hover
// over a 1 MB kubeconfig costs a binary search, not a parse.
import * as vscode from 'vscode';
import { locateCredentials } from '../token/locate';
import type { LocatedCredential } from '../token/types';

/** Kubeconfig files usually have no extension: `~/.kube/config`, `*.kubeconfig`, `kubeconfig`. */
export const KUBECONFIG_PATTERNS = ['**/.kube/config', '**/*.kubeconfig', '**/kubeconfig'];

export const CREDENTIAL_DOCUMENTS: vscode.DocumentFilter[] = [
  { language: 'yaml' },
  { language: 'json' },
  { language: 'jsonc' },
  ...KUBECONFIG_PATTERNS.map((pattern) => ({ pattern })),
];

/** Above this size a document is skipped rather than slowing the editor down. */
const MAX_DOCUMENT_CHARS = 8 * 1024 * 1024;
const IGNORED_SCHEMES = new Set(['git', 'output', 'vscode-scm', 'cluster-credentials']);

export function isCredentialDocument(doc: vscode.TextDocument): boolean {
  if (IGNORED_SCHEMES.has(doc.uri.scheme)) return false;
  return vscode.languages.match(CREDENTIAL_DOCUMENTS, doc) > 0;
}

interface Entry {
  version: number;
  located: LocatedCredential[];
}

export class DocumentIndex implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly closeSubscription: vscode.Disposable;

  constructor() {
    this.closeSubscription = vscode.workspace.onDidCloseTextDocument((doc) => this.entries.delete(doc.uri.toString()));
  }

  /** The credentials in a document, parsed once per version; empty for documents we do not look at. */
  located(doc: vscode.TextDocument): LocatedCredential[] {
    if (!isCredentialDocument(doc)) return [];
    const key = doc.uri.toString();
    const cached = this.entries.get(key);
    if (cached && cached.version === doc.version) return cached.located;
    const text = doc.getText();
    const located = text.length > MAX_DOCUMENT_CHARS ? [] : locateCredentials(text);
    this.entries.set(key, { version: doc.version, located });
    return located;
  }

  dispose(): void {
    this.closeSubscription.dispose();
    this.entries.clear();
  }
}
