import * as vscode from 'vscode';
import type { ClusterState } from '../app/clusterState';
import { decodeToken } from '../token/jwt';
import { credentialAt } from '../token/locate';
import type { DocumentIndex } from './documentIndex';
import { hoverContentAt } from './markdown/hoverContent';
import { verdictMarkdown } from './markdown/verdictMarkdown';
import type { Settings } from './settings';

/**
 * A hover must not wait on the cluster: past this it shows what the document says alone, and the keys and the
 * issuer it asked for meanwhile are there for the next hover.
 */
const VERDICT_WAIT_MS = 50;

export class CredentialHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly index: DocumentIndex,
    private readonly settings: Settings,
    /** The active session, for what its API server would answer: there once the cluster layer is loaded and started. */
    private readonly state: () => ClusterState | undefined = () => undefined,
  ) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position, cancel?: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.settings.hoverEnabled) return undefined;
    const now = Math.floor(Date.now() / 1000);
    const located = this.index.located(doc);
    const offset = doc.offsetAt(position);
    const content = hoverContentAt(located, offset, now, this.settings.expiryOptions, () => doc.getText());
    if (!content) return undefined;
    const verdict = await this.verdictLine(credentialAt(located, offset)?.value, now);
    if (cancel?.isCancellationRequested) return undefined;
    // Everything in this markdown that came from the file is escaped; links and HTML stay off.
    const md = new vscode.MarkdownString(verdict + content.markdown, true);
    md.isTrusted = false;
    md.supportHtml = false;
    return new vscode.Hover(md, new vscode.Range(doc.positionAt(content.start), doc.positionAt(content.end)));
  }

  /** What the active context's API server would answer to a service-account token, as a first line; '' when it does not apply. */
  private async verdictLine(value: string | undefined, now: number): Promise<string> {
    const session = this.state()?.current;
    if (value === undefined || session === undefined || !session.isStarted) return '';
    const decoded = decodeToken(value);
    if (!decoded.ok || decoded.token.claims.kubernetes === undefined) return '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), VERDICT_WAIT_MS);
    });
    try {
      const verdict = await Promise.race([session.verdictOfRaw(value, decoded.token, now), late]);
      return verdict ? verdictMarkdown(session.session.context, verdict) : '';
    } catch {
      // The keys or the issuer could not be had (yet): the hover says what the document says.
      return '';
    } finally {
      clearTimeout(timer);
    }
  }
}
