// Review Token: a TokenReview of a token from the argument, a tree node, the selection, the clipboard
// or an input box, against the active context.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { type ActionResult, failed } from '../../cluster/actions/result';
import { type TokenReviewResult, reviewToken } from '../../cluster/actions/reviewToken';
import { readLiveToken } from '../../cluster/live/readLiveToken';
import type { ClusterSession } from '../../cluster/auth/session';
import { clusterIssuer } from '../../cluster/live/issuer';
import { classifyInput } from '../../token/classifyInput';
import { fingerprint } from '../../token/fingerprint';
import { decodeToken } from '../../token/jwt';
import { normalizeToken } from '../../token/normalizeToken';
import { reviewConsent, type TokenOrigin } from '../../token/reviewConsent';
import { type NodeRef, refOf } from '../../shared/nodeRef';
import type { CommandContext } from './context';
import { sessionFor, show, showFailure } from './common';
import { reviewSentence } from './sentences';
import { reviewDocument } from './tokenDocument';

/** A JWT in the text, as Decode Token finds one. */
function tokenIn(text: string): string | undefined {
  const c = classifyInput(text);
  if (!c.ok || (c.credential.kind !== 'jwt' && c.credential.kind !== 'base64Jwt')) return undefined;
  const value = c.credential.value;
  return value && /^eyJ/.test(value) ? value : undefined;
}

interface PickedToken {
  raw: string;
  origin: TokenOrigin;
}

async function tokenFromEditorOrClipboard(): Promise<PickedToken | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (editor && !editor.selection.isEmpty) {
    const t = tokenIn(editor.document.getText(editor.selection));
    if (t) return { raw: t, origin: 'selection' };
  }
  const clip = (await vscode.env.clipboard.readText()).trim();
  if (clip && clip.length < 64 * 1024) {
    const t = tokenIn(clip);
    if (t) return { raw: t, origin: 'clipboard' };
  }
  const typed = await vscode.window.showInputBox({
    title: l10n.t('Review Token'),
    prompt: l10n.t('Paste the token to review'),
    password: true,
    ignoreFocusOut: true,
  });
  return typed === undefined ? undefined : { raw: typed, origin: 'typed' };
}

/** Asks first when the token came from the clipboard or another issuer signed it (see reviewConsent). */
async function mayReview(session: ClusterSession, picked: PickedToken): Promise<boolean> {
  const raw = normalizeToken(picked.raw);
  if (!raw) return true; // nothing to send: the review answers with its own sentence
  const decoded = decodeToken(raw);
  const token = decoded.ok ? decoded.token : undefined;
  const needsIssuer = picked.origin !== 'held' && picked.origin !== 'liveFile';
  const issuer = needsIssuer ? await clusterIssuer(session.api) : undefined;
  const consent = reviewConsent({
    origin: picked.origin,
    context: session.context,
    token,
    fingerprint: token?.fingerprint ?? fingerprint(raw),
    clusterIssuer: issuer,
  });
  if (!consent.ask) return true;
  const send = l10n.t('Send');
  const answer = await vscode.window.showWarningMessage(consent.message, { modal: true, detail: consent.detail }, send);
  return answer === send;
}

/** A pod's live token file is read and reviewed in one go; the raw token is not kept. */
async function reviewLiveToken(session: ClusterSession, ref: Extract<NodeRef, { kind: 'tokenFile' }>): Promise<ActionResult<TokenReviewResult>> {
  let review: ActionResult<TokenReviewResult> | undefined;
  const reading = await readLiveToken(
    session.api,
    { namespace: ref.namespace, pod: ref.pod, podUid: ref.podUid, container: ref.container, path: ref.path },
    {
      verify: async (raw) => {
        review = await reviewToken(session.api, raw);
        return { status: 'unchecked', reason: 'reviewed by TokenReview instead' };
      },
    },
  );
  if (!reading.ok) return failed(reading.error);
  return (
    review ??
    failed({
      kind: 'unknown',
      message: l10n.t('the token file was read but is not a token that can be reviewed; read it again with "Read Live Token" to see what it holds'),
    })
  );
}

export async function reviewTokenCommand(cc: CommandContext, arg?: unknown): Promise<{ authenticated: boolean; error?: string } | undefined> {
  const { services } = cc;
  const ref = refOf(arg);
  const session = sessionFor(services, ref);
  if (!session) return undefined;

  let res: ActionResult<TokenReviewResult>;
  if (ref?.kind === 'tokenFile') {
    // The same guards as Read Live Token: no exec where it is off, or into a pod or path the inventory does not know.
    const refusal =
      services.settings.liveTokens === 'off'
        ? l10n.t('reading token files is off (clusterCredentials.liveTokens.mode)')
        : services.state.ensureStarted()?.liveReadRefusal({ namespace: ref.namespace, name: ref.pod, uid: ref.podUid, path: ref.path });
    if (refusal !== undefined) {
      void vscode.window.showWarningMessage(l10n.t('Cannot review the token of {0} in {1}: {2}.', ref.path, `${ref.namespace}/${ref.pod}`, refusal));
      return undefined;
    }
    res = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: l10n.t('Reviewing the token of {0}', `${ref.namespace}/${ref.pod}`) },
      () => reviewLiveToken(session, ref),
    );
  } else {
    let picked: PickedToken | undefined;
    if (typeof arg === 'string') picked = { raw: arg, origin: 'argument' };
    else if (ref?.kind === 'serviceAccount') {
      // Only a token this context issued: another context's token must not reach this cluster.
      const held = cc.vault.latestFor(session.context, ref.namespace, ref.name);
      const raw = held ? cc.vault.token(held.fingerprint) : undefined;
      if (raw !== undefined) picked = { raw, origin: 'held' };
    }
    picked ??= await tokenFromEditorOrClipboard();
    if (picked === undefined || !picked.raw.trim()) return undefined;
    if (!(await mayReview(session, picked))) return undefined;
    const token = picked.raw;
    res = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l10n.t('Reviewing the token') }, () =>
      reviewToken(session.api, token),
    );
  }
  if (!res.ok) {
    showFailure(services, l10n.t('review the token'), res.error);
    return undefined;
  }
  const r = res.value;
  const said = reviewSentence(r, session.context);
  services.log.info(`Review Token: ${said.text}`);
  const details = l10n.t('Show Details');
  void show(said.level, said.text, details).then(async (pick) => {
    if (pick !== details) return;
    const uri = cc.documents.add(`TokenReview ${r.fingerprint.slice(0, 8)}`, reviewDocument(r, session.context), 'txt');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'plaintext');
    await vscode.window.showTextDocument(doc, { preview: true });
  });
  return r.error !== undefined ? { authenticated: r.authenticated, error: r.error } : { authenticated: r.authenticated };
}
