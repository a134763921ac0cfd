// "Cluster Credentials: Decode Token": the selection, else the clipboard, else an input box.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { assessCredential } from '../diagnosis/credentialAssessment';
import { classifyInput } from '../token/classifyInput';
import { eksTokenLogLine } from '../token/eksToken';
import { credentialNoun } from './markdown/credentialSummary';
import { decodedDocumentText } from './markdown/decodedDocument';
import type { Settings } from './settings';

export const DECODED_SCHEME = 'cluster-credentials';

/** Read-only documents held in memory; they contain decoded claims only, never a raw token. */
export class DecodedDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private counter = 0;

  /** `extension` names the language VS Code gives the document: `md` for markdown, `txt` for plain text. */
  add(title: string, text: string, extension: 'md' | 'txt' = 'md'): vscode.Uri {
    this.counter += 1;
    const uri = vscode.Uri.from({ scheme: DECODED_SCHEME, path: `/${this.counter}/${title}.${extension}` });
    this.docs.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? l10n.t('This decoded document is no longer available: run Decode Token again.');
  }

  dispose(): void {
    this.changed.dispose();
    this.docs.clear();
  }
}

/** What the user means to decode: an argument, the selection, the clipboard when it looks like one, or ask. */
async function pickInput(arg: unknown): Promise<string | undefined> {
  if (typeof arg === 'string' && arg.trim()) return arg;
  const editor = vscode.window.activeTextEditor;
  if (editor && !editor.selection.isEmpty) {
    const text = editor.document.getText(editor.selection);
    if (text.trim()) return text;
  }
  const clip = (await vscode.env.clipboard.readText()).trim();
  if (clip && clip.length < 64 * 1024) {
    const c = classifyInput(clip);
    if (c.ok && (c.credential.kind !== 'jwt' || /^eyJ|\beyJ/.test(clip))) return clip;
  }
  return vscode.window.showInputBox({
    title: l10n.t('Decode Token'),
    prompt: l10n.t('Paste a JWT, a base64 Secret value or a certificate (PEM or base64)'),
    password: false,
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (!value.trim()) return undefined;
      const c = classifyInput(value);
      return c.ok ? undefined : c.reason;
    },
  });
}

/** Decode Token: the argument, the editor's selection, a token on the clipboard, or one pasted in. Returns the document's URI. */
export async function decodeTokenCommand(docs: DecodedDocuments, settings: Settings, log: vscode.LogOutputChannel, arg?: unknown): Promise<string | undefined> {
  const input = await pickInput(arg);
  if (input === undefined) return undefined;
  const classified = classifyInput(input);
  if (!classified.ok) {
    void vscode.window.showWarningMessage(l10n.t('Cannot decode: {0}.', classified.reason));
    return undefined;
  }
  const now = Math.floor(Date.now() / 1000);
  const a = assessCredential(classified.credential, now, settings.expiryOptions);
  switch (a.kind) {
    case 'invalid':
      void vscode.window.showWarningMessage(l10n.t('Not a valid {0}: {1}.', credentialNoun(a.located.kind), a.reason));
      return undefined;
    case 'privateKey':
      void vscode.window.showInformationMessage(l10n.t('That is a private key: Cluster Credentials never decodes or shows private keys.'));
      return undefined;
    case 'opaque':
      void vscode.window.showInformationMessage(
        l10n.t('That is an opaque token, not a JWT (fingerprint sha256:{0}): there is nothing in it to decode.', a.fingerprint),
      );
      return undefined;
  }
  const title =
    a.kind === 'token'
      ? l10n.t('Decoded token {0}', a.token.fingerprint.slice(0, 8))
      : a.kind === 'eksToken'
        ? l10n.t('Decoded EKS token {0}', a.token.fingerprint.slice(0, 8))
        : l10n.t('Decoded certificate');
  if (a.kind === 'token') log.info(`Decoded a token (fingerprint sha256:${a.token.fingerprint}${a.token.claims.jti ? `, jti ${a.token.claims.jti}` : ''}).`);
  // Never the URL: it holds the signature, the access key id and perhaps a session token.
  if (a.kind === 'eksToken') log.info(eksTokenLogLine(a.token));
  const uri = docs.add(title, decodedDocumentText(a, now));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  await vscode.window.showTextDocument(doc, { preview: true });
  return uri.toString();
}
