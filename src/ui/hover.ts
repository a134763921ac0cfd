import * as vscode from 'vscode';
import type { DocumentIndex } from './documentIndex';
import { hoverContentAt } from './markdown/hoverContent';
import type { Settings } from './settings';

export class CredentialHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly index: DocumentIndex,
    private readonly settings: Settings,
  ) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.settings.hoverEnabled) return undefined;
    const now = Math.floor(Date.now() / 1000);
    const content = hoverContentAt(this.index.located(doc), doc.offsetAt(position), now, this.settings.expiryOptions);
    if (!content) return undefined;
    // Everything in this markdown that came from the file is escaped; links and HTML stay off.
    const md = new vscode.MarkdownString(content.markdown, true);
    md.isTrusted = false;
    md.supportHtml = false;
    return new vscode.Hover(md, new vscode.Range(doc.positionAt(content.start), doc.positionAt(content.end)));
  }
}
