// One connection to the active kubeconfig context: the loaded kubeconfig, the credential that is
// re-read as it changes, and the API clients that use it. Built again whenever the kubeconfig
// files or the current context change; everything that talks to the cluster takes a session.
import * as l10n from '@vscode/l10n';
import { createApiClients, type ApiClients, type ApiClientsOptions } from './apiClient';
import { CredentialProvider, type CredentialProviderOptions } from './credentials';
import type { ContextSummary, KubeconfigLoad } from './kubeconfig';

export interface ClusterSession {
  readonly context: string;
  readonly summary: ContextSummary;
  /** The kubeconfig files merged for this session, in kubectl's order. */
  readonly files: readonly string[];
  readonly provider: CredentialProvider;
  readonly api: ApiClients;
}

export type SessionOpen = { ok: true; session: ClusterSession } | { ok: false; message: string };

/** Never throws: a kubeconfig without a usable current context comes back as a sentence. */
export function openSession(load: KubeconfigLoad, credentialOptions: CredentialProviderOptions, apiOptions?: ApiClientsOptions): SessionOpen {
  if (!load.ok) return { ok: false, message: load.message };
  if (load.currentContext === undefined || !load.contexts.some((c) => c.name === load.currentContext)) {
    return { ok: false, message: l10n.t('the kubeconfig has no current context; run "Cluster Credentials: Switch Context" to pick one') };
  }
  return openSessionFor(load, load.currentContext, credentialOptions, apiOptions);
}

/**
 * A session for a named context of the kubeconfig, active or not (a check at start of another context). The caller
 * disposes its clients when done. Never throws: an unknown context comes back as a sentence.
 */
export function openSessionFor(
  load: KubeconfigLoad,
  context: string,
  credentialOptions: CredentialProviderOptions,
  apiOptions?: ApiClientsOptions,
): SessionOpen {
  if (!load.ok) return { ok: false, message: load.message };
  const summary = load.contexts.find((c) => c.name === context);
  if (summary === undefined) return { ok: false, message: l10n.t('the kubeconfig ({0}) has no context "{1}"', load.files.join(', '), context) };
  const kc = load.kubeConfigFor(context);
  if (typeof kc === 'string') return { ok: false, message: kc };
  const provider = new CredentialProvider(kc, context, credentialOptions);
  return { ok: true, session: { context, summary, files: load.files, provider, api: createApiClients(provider, apiOptions) } };
}
