// Which documents we look at, and their located credentials and line table cached per document
// version, so a hover over a 1 MB kubeconfig costs a binary search, not a parse. Each document keeps
// its own IncrementalLocator: an edit of a large document re-parses the part it touched. An edit that
// breaks a large document's structure from there on needs the whole document parsed: the Problems
// view has that done on a worker thread (locatedSoon), a hover, which cannot wait, does it here.
import * as vscode from 'vscode';
import { DocumentLines, LineIndex } from '../token/lineIndex';
import { locateCredentials } from '../token/locate';
import { IncrementalLocator } from '../token/locateIncremental';
import { MAX_PARSE_ON_HOST_CHARS, type OffThreadLocator } from '../token/offThreadLocate';
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
  /** Undefined while a whole-document parse is owed (see locatedSoon). */
  located: LocatedCredential[] | undefined;
  pending: Promise<LocatedCredential[] | undefined> | undefined;
  /** Built on first use, for this version. */
  lines: LineIndex | undefined;
  text: string | undefined;
  locator: IncrementalLocator;
  /** Derives each version's line table from the last one's. */
  documentLines: DocumentLines;
}

export class DocumentIndex implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly closeSubscription: vscode.Disposable;

  /** `offThread`: where whole-document parses for the Problems view run; without it they run here. */
  constructor(private readonly offThread?: OffThreadLocator) {
    this.closeSubscription = vscode.workspace.onDidCloseTextDocument((doc) => this.entries.delete(doc.uri.toString()));
  }

  /** The credentials in a document, located once per version; empty for documents we do not look at. */
  located(doc: vscode.TextDocument): LocatedCredential[] {
    const entry = this.entry(doc);
    if (entry === undefined) return [];
    // A hover cannot wait for the worker.
    entry.located ??= locateCredentials(entry.text ?? doc.getText());
    return entry.located;
  }

  /**
   * As `located`, but when the version needs a whole-document parse that parse runs on the worker
   * thread: a promise then, which gives undefined when a newer version came first.
   */
  locatedSoon(doc: vscode.TextDocument): LocatedCredential[] | Promise<LocatedCredential[] | undefined> {
    const entry = this.entry(doc);
    if (entry === undefined) return [];
    if (entry.located !== undefined || this.offThread === undefined) return this.located(doc);
    entry.pending ??= this.offThread.locate(doc.uri.toString(), entry.text ?? doc.getText()).then((located) => {
      if (located !== undefined) entry.located ??= located;
      return entry.located;
    });
    return entry.pending;
  }

  /** Line positions of the document's current version, for many offsets at once (diagnostics). */
  lines(doc: vscode.TextDocument): LineIndex {
    const entry = this.entry(doc);
    if (entry === undefined) return new LineIndex(doc.getText());
    entry.lines ??= entry.documentLines.of(entry.text ?? doc.getText());
    // The text was kept only to build the table (documentLines keeps it to compare the next version with).
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
    const documentLines = cached?.documentLines ?? new DocumentLines();
    let located: LocatedCredential[] | undefined = [];
    if (text.length > MAX_DOCUMENT_CHARS) {
      locator.forget();
      documentLines.forget();
    } else if (this.offThread === undefined) located = locator.locate(text);
    else {
      located = locator.tryLocate(text, MAX_PARSE_ON_HOST_CHARS);
      // A document that large may one day need the worker: have it ready.
      if (text.length > MAX_PARSE_ON_HOST_CHARS) this.offThread.warm();
    }
    const entry: Entry = { version: doc.version, located, pending: undefined, lines: undefined, text, locator, documentLines };
    this.entries.set(key, entry);
    return entry;
  }

  dispose(): void {
    this.closeSubscription.dispose();
    this.offThread?.dispose();
    this.entries.clear();
  }
}
