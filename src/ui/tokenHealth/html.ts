// The Token Health webview's HTML: a strict Content-Security-Policy, one nonce for the one script,
// no inline handlers or styles. Cluster data never goes into this HTML except the escaped title;
// everything else arrives by postMessage and is set with textContent. The page carries the display language
// (its `lang`) and the webview's words in it (escaped JSON in a meta tag's content, read as data, never run).
import { randomBytes } from 'node:crypto';
import * as l10n from '@vscode/l10n';
import { STRINGS_META_NAME, type WebviewStrings } from '../../shared/tokenHealthProtocol';

export interface TokenHealthHtmlInput {
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  /** webview.asWebviewUri(...) of dist/webview/main.js, main.css and codicon.css, as strings. */
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  /** The panel's subject, e.g. "Pod payments/api-7f9c": from the cluster, so escaped. */
  title: string;
  /** vscode.env.language, e.g. `en` or `zh-cn`: the page's `lang`. */
  language?: string;
  /** The webview's words in that language (webviewStrings()); none gives the English. */
  strings?: WebviewStrings;
}

/** A BCP 47 tag as VS Code names its display languages; anything else is said to be English. */
const LANGUAGE_TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** 128 random bits, base64: a fresh one for every HTML the panel is given. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `font-src ${cspSource}`, `img-src ${cspSource} data:`].join('; ');
}

export function tokenHealthHtml(input: TokenHealthHtmlInput): string {
  const csp = escapeHtml(contentSecurityPolicy(input.cspSource, input.nonce));
  const nonce = escapeHtml(input.nonce);
  const title = escapeHtml(input.title);
  const lang = input.language !== undefined && LANGUAGE_TAG.test(input.language) ? input.language : 'en';
  const strings = escapeHtml(JSON.stringify(input.strings ?? {}));
  return `<!DOCTYPE html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="${STRINGS_META_NAME}" content="${strings}">
<link rel="stylesheet" href="${escapeHtml(input.codiconUri)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${escapeHtml(input.styleUri)}">
<title>${escapeHtml(l10n.t('Token Health: {0}', input.title))}</title>
</head>
<body>
<main id="app" aria-busy="true">
<header class="subject"><h1 id="subject-title">${title}</h1><p id="subject-detail" class="detail">${escapeHtml(l10n.t('Loading…'))}</p></header>
</main>
<script type="module" nonce="${nonce}" src="${escapeHtml(input.scriptUri)}"></script>
</body>
</html>
`;
}
