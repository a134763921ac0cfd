// Which documents we look at, and their located credentials and line table cached per document
// version, so a hover over a 1 MB kubeconfig costs a binary search, not a parse. Each document keeps
// its own IncrementalLocator: an edit of a large document re-parses the part it touched.
import * as vscode from 'vscode';
import { LineIndex } from '../token/lineIndex';
import { IncrementalLocator } from '../token/locateIncremental';
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
  /** Built on first use, for this version. */
  lines: LineIndex | undefined;
  text: string | undefined;
  locator: IncrementalLocator;
}

export class DocumentIndex implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly closeSubscription: vscode.Disposable;

  constructor() {
    this.closeSubscription = vscode.workspace.onDidCloseTextDocument((doc) => this.entries.delete(doc.uri.toString()));
  }

  /** The credentials in a document, located once per version; empty for documents we do not look at. */
  located(doc: vscode.TextDocument): LocatedCredential[] {
    return this.entry(doc)?.located ?? [];
  }

  /** Line positions of the document's current version, for many offsets at once (diagnostics). */
  lines(doc: vscode.TextDocument): LineIndex {
    const entry = this.entry(doc);
    if (entry === undefined) return new LineIndex(doc.getText());
    entry.lines ??= new LineIndex(entry.text ?? doc.getText());
    // The text was kept only to build the table.
    entry.text = undefined;
    return entry.lines;
  }

  private entry(doc: vscode.TextDocument): Entry | undefined {
    if (!isCredentialDocument(doc)) return undefined;
    const key = doc.uri.toString();
    const cached = this.entries.get(key);
    if (cached && cached.version === doc.version) return cached;
    const text = doc.getText();
    const locator = cached?.locator ?? new IncrementalLocator();
    let located: LocatedCredential[] = [];
    if (text.length > MAX_DOCUMENT_CHARS) locator.forget();
    else located = locator.locate(text);
    const entry: Entry = { version: doc.version, located, lines: undefined, text, locator };
    this.entries.set(key, entry);
    return entry;
  }

  dispose(): void {
    this.closeSubscription.dispose();
    this.entries.clear();
  }
}
