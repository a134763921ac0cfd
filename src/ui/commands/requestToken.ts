// Request Token and Copy Token: a TokenRequest with audiences, duration and an optional binding; the
// decoded token in a read-only document; the raw token to the clipboard only when "Copy token" is chosen.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { type BoundObject, type IssuedToken, MIN_TOKEN_SECONDS, requestToken } from '../../cluster/actions/requestToken';
import type { ClusterSession } from '../../cluster/auth/session';
import type { TokenObservation } from '../../history/types';
import { decodeToken } from '../../token/jwt';
import { refOf, type NodeRef } from '../../shared/nodeRef';
import type { CommandContext } from './context';
import { sessionFor, showFailure } from './common';
import { formatDuration, parseAudiences, parseDuration } from './durationInput';
import { pickPod, pickServiceAccount } from './pickers';
import { copiedToken, issuedLogLine, issuedSentence } from './sentences';
import { issuedTokenDocument } from './tokenDocument';
import { COMMAND } from '../../shared/commandIds';

const DEFAULT_DURATION = '1h';
const COPIED_STATUS_MS = 5000;

interface Subject {
  namespace: string;
  serviceAccount: string;
  /** A binding the node suggests: the pod or Secret it stands for. */
  suggested?: BoundObject;
}

function subjectOf(ref: NodeRef | undefined): Subject | undefined {
  switch (ref?.kind) {
    case 'serviceAccount':
      return { namespace: ref.namespace, serviceAccount: ref.name };
    case 'pod':
      return { namespace: ref.namespace, serviceAccount: ref.serviceAccount, suggested: { kind: 'Pod', name: ref.name, uid: ref.uid } };
    case 'tokenFile':
      return { namespace: ref.namespace, serviceAccount: ref.serviceAccount, suggested: { kind: 'Pod', name: ref.pod, uid: ref.podUid } };
    case 'secret':
      return ref.serviceAccount ? { namespace: ref.namespace, serviceAccount: ref.serviceAccount, suggested: { kind: 'Secret', name: ref.name } } : undefined;
    default:
      return undefined;
  }
}

/** Options a caller (a test, the webview) may give instead of answering the prompts. */
export interface RequestTokenArgs {
  audiences?: string[];
  expirationSeconds?: number;
  boundObject?: BoundObject | null;
}

function argsOf(arg: unknown): RequestTokenArgs {
  if (typeof arg !== 'object' || arg === null || !('request' in arg)) return {};
  const r = arg.request;
  return typeof r === 'object' && r !== null ? r : {};
}

export async function requestTokenCommand(cc: CommandContext, arg?: unknown): Promise<{ fingerprint: string; document: string } | undefined> {
  const { services } = cc;
  const ref = refOf(arg);
  const session = sessionFor(services, ref);
  if (!session) return undefined;
  const given = argsOf(arg);

  let subject = subjectOf(ref);
  if (!subject) {
    const sa = await pickServiceAccount(services, session, l10n.t('Request Token'));
    if (!sa) return undefined;
    subject = { namespace: sa.namespace, serviceAccount: sa.name };
  }
  const who = `${subject.namespace}/${subject.serviceAccount}`;

  const audiences = given.audiences ?? (await askAudiences(who));
  if (audiences === undefined) return undefined;
  const seconds = given.expirationSeconds ?? (await askDuration(who));
  if (seconds === undefined) return undefined;
  const bound = given.boundObject !== undefined ? given.boundObject : await askBinding(cc, session, subject);
  if (bound === undefined) return undefined;

  const res = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l10n.t('Requesting a token for {0}', who) }, () =>
    requestToken(session.api, {
      namespace: subject.namespace,
      serviceAccount: subject.serviceAccount,
      audiences,
      expirationSeconds: seconds,
      ...(bound ? { boundObject: bound } : {}),
    }),
  );
  if (!res.ok) {
    showFailure(services, l10n.t('request a token for {0}', who), res.error);
    return undefined;
  }
  return presentToken(cc, session, res.value);
}

export async function presentToken(cc: CommandContext, session: ClusterSession, t: IssuedToken): Promise<{ fingerprint: string; document: string }> {
  const { services, vault, documents } = cc;
  const now = Math.floor(Date.now() / 1000);
  const decoded = decodeToken(t.token);
  const claims = decoded.ok ? decoded.token.claims : undefined;
  const exp = claims?.exp ?? (Number.isFinite(Date.parse(t.expirationTimestamp)) ? Math.floor(Date.parse(t.expirationTimestamp) / 1000) : undefined);
  vault.put(t.token, {
    fingerprint: t.fingerprint,
    label: `${t.namespace}/${t.serviceAccount}`,
    context: session.context,
    namespace: t.namespace,
    serviceAccount: t.serviceAccount,
    ...(exp !== undefined ? { expiresAtSec: exp } : {}),
  });
  services.log.info(issuedLogLine(t, session.context));

  const observation: TokenObservation = {
    kind: 'token',
    at: Date.now(),
    subject: {
      context: session.context,
      namespace: t.namespace,
      serviceAccount: t.serviceAccount,
      ...(t.boundObject?.kind === 'Pod' ? { pod: t.boundObject.name } : {}),
    },
    source: 'tokenRequest',
    fingerprint: t.fingerprint,
  };
  if (claims?.iat !== undefined) observation.iat = claims.iat;
  if (claims?.exp !== undefined) observation.exp = claims.exp;
  if (claims?.jti !== undefined) observation.jti = claims.jti;
  if (claims?.kubernetes?.warnAfter !== undefined) observation.warnAfter = claims.kubernetes.warnAfter;
  void services.history.append([observation]).catch((err: unknown) => services.log.warn(`Could not record the new token in history: ${String(err)}`));

  const uri = documents.add(
    l10n.t('Token {0} {1}', `${t.namespace}-${t.serviceAccount}`, t.fingerprint.slice(0, 8)),
    issuedTokenDocument(t, session.context, now, services.settings.expiryOptions),
    'txt',
  );
  vault.linkDocument(uri.toString(), t.fingerprint);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'plaintext');
  await vscode.window.showTextDocument(doc, { preview: false });
  const copy = l10n.t('Copy token');
  void vscode.window.showInformationMessage(issuedSentence(t, now), copy).then((pick) => {
    if (pick === copy) void vscode.commands.executeCommand(COMMAND.copyToken, t.fingerprint);
  });
  return { fingerprint: t.fingerprint, document: uri.toString() };
}

async function askAudiences(who: string): Promise<string[] | undefined> {
  const text = await vscode.window.showInputBox({
    title: l10n.t('Request Token for {0} (1/3): audiences', who),
    prompt: l10n.t('Audiences, separated by commas (e.g. vault). Leave empty for the API server’s own audience.'),
    ignoreFocusOut: true,
  });
  return text === undefined ? undefined : parseAudiences(text);
}

async function askDuration(who: string): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: l10n.t('Request Token for {0} (2/3): lifetime', who),
    prompt: l10n.t('How long the token lives: 10m, 1h, 2h30m, 1d or seconds. The API server’s minimum is 10 minutes.'),
    value: DEFAULT_DURATION,
    ignoreFocusOut: true,
    validateInput: (value) => {
      const s = parseDuration(value);
      if (s === undefined) return l10n.t('Write a duration such as 10m, 1h, 1d or a number of seconds.');
      if (s < MIN_TOKEN_SECONDS) {
        return {
          message: l10n.t('{0} is below the API server’s minimum of 10 minutes: it will refuse it.', formatDuration(s)),
          severity: vscode.InputBoxValidationSeverity.Warning,
        };
      }
      return undefined;
    },
  });
  return text === undefined ? undefined : parseDuration(text);
}

/** The binding, `null` for none, undefined when the user backed out. */
async function askBinding(cc: CommandContext, session: ClusterSession, s: Subject): Promise<BoundObject | null | undefined> {
  type Item = vscode.QuickPickItem & { choice: 'none' | 'suggested' | 'pod' | 'secret' };
  const items: Item[] = [{ label: l10n.t('Not bound'), description: l10n.t('valid until it expires'), choice: 'none' }];
  if (s.suggested)
    items.unshift({
      label: l10n.t('Bound to {0} {1}', s.suggested.kind, s.suggested.name),
      description: l10n.t('stops working when it is deleted'),
      choice: 'suggested',
    });
  items.push({ label: l10n.t('Bound to a pod…'), description: l10n.t('a pod running as {0}', `${s.namespace}/${s.serviceAccount}`), choice: 'pod' });
  items.push({ label: l10n.t('Bound to a Secret…'), description: l10n.t('a Secret in namespace {0}', s.namespace), choice: 'secret' });
  const pick = await vscode.window.showQuickPick(items, {
    title: l10n.t('Request Token for {0} (3/3): binding', `${s.namespace}/${s.serviceAccount}`),
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.choice === 'none') return null;
  if (pick.choice === 'suggested') return s.suggested ?? null;
  if (pick.choice === 'pod') {
    const pod = await pickPod(
      cc.services,
      session,
      l10n.t('Bind the token to a pod'),
      (p) => p.namespace === s.namespace && p.serviceAccount === s.serviceAccount,
    );
    return pod ? { kind: 'Pod', name: pod.name, uid: pod.uid } : undefined;
  }
  const name = await vscode.window.showInputBox({
    title: l10n.t('Bind the token to a Secret'),
    prompt: l10n.t('Name of a Secret in namespace {0}', s.namespace),
    ignoreFocusOut: true,
  });
  return name?.trim() ? { kind: 'Secret', name: name.trim() } : undefined;
}

/** Copy Token: only ever on this explicit action; the argument is a fingerprint or the token's document. */
export async function copyTokenCommand(cc: CommandContext, arg?: unknown): Promise<boolean> {
  let fp: string | undefined;
  if (typeof arg === 'string') fp = arg.replace(/^sha256:/, '');
  else if (arg instanceof vscode.Uri) fp = cc.vault.fingerprintOfDocument(arg.toString());
  else {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active) fp = cc.vault.fingerprintOfDocument(active.toString());
  }
  const token = fp ? cc.vault.token(fp) : undefined;
  if (!fp || !token) {
    void vscode.window.showWarningMessage(
      l10n.t('That token is no longer held: requested tokens are kept in memory only, until they expire or the window closes. Run "Request Token" again.'),
    );
    return false;
  }
  await vscode.env.clipboard.writeText(token);
  const said = copiedToken(fp, cc.vault.info(fp)?.label);
  cc.services.log.info(said.log);
  // The status bar shows it even when notifications are silenced (Do Not Disturb); the notification stays longer.
  vscode.window.setStatusBarMessage(said.status, COPIED_STATUS_MS);
  void vscode.window.showInformationMessage(said.message);
  return true;
}
