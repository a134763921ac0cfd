// Probe Token Under Concurrency: N parallel requests with the active credential or a fresh token of a
// service account; counts, latency, and a "401 under concurrency" finding when 401s come among successes.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { type ProbeCredential, type ProbeOutcome, probeConcurrency, probeTransportOf } from '../../cluster/actions/probeConcurrency';
import type { Finding } from '../../diagnosis/types';
import { requestToken, MIN_TOKEN_SECONDS } from '../../cluster/actions/requestToken';
import type { Subject } from '../../history/types';
import { refOf, type NodeRef } from '../../shared/nodeRef';
import type { CommandContext } from './context';
import { sessionFor, show, showFailure, withCancellableProgress } from './common';
import { pickServiceAccount } from './pickers';
import { probeHistoryEvent, probeResultOf } from './probeRecord';
import { probeSentence } from './sentences';
import { COMMAND } from '../../shared/commandIds';

interface ProbeTarget {
  /** Whose credential, in words. */
  whose: string;
  subject: Subject;
  /** Set for a service account: its token is requested fresh. */
  serviceAccount?: { namespace: string; name: string };
}

function targetOf(context: string, ref: NodeRef | undefined): ProbeTarget | undefined {
  switch (ref?.kind) {
    case 'serviceAccount':
      return {
        whose: l10n.t('service account {0}', `${ref.namespace}/${ref.name}`),
        subject: { context, namespace: ref.namespace, serviceAccount: ref.name },
        serviceAccount: { namespace: ref.namespace, name: ref.name },
      };
    case 'pod':
    case 'tokenFile': {
      const pod = ref.kind === 'pod' ? ref.name : ref.pod;
      const podUid = ref.kind === 'pod' ? ref.uid : ref.podUid;
      return {
        whose: l10n.t('service account {0} (pod {1})', `${ref.namespace}/${ref.serviceAccount}`, pod),
        subject: { context, namespace: ref.namespace, serviceAccount: ref.serviceAccount, pod, podUid },
        serviceAccount: { namespace: ref.namespace, name: ref.serviceAccount },
      };
    }
    case 'context':
      return { whose: l10n.t("context {0}'s credential", context), subject: { context } };
    default:
      return undefined;
  }
}

/** A probe's outcome kept: its 401s in history, its findings beside the others (a later probe of the same token replaces them). */
export function keepProbe(cc: Pick<CommandContext, 'services' | 'probes'>, outcome: ProbeOutcome, subject: Subject): Finding[] {
  const { services } = cc;
  const now = Date.now();
  const result = probeResultOf(outcome, subject, now);
  const event = probeHistoryEvent(result, outcome.path);
  if (event) void services.history.append([event]).catch((err: unknown) => services.log.warn(`Could not record the probe in history: ${String(err)}`));
  const findings = cc.probes.record(result, subject.context, now);
  services.findings.set('probe', cc.probes.all());
  return findings;
}

export async function probeConcurrencyCommand(
  cc: CommandContext,
  arg?: unknown,
): Promise<{ ok: number; unauthorized: number; other: number; findings: number } | undefined> {
  const { services } = cc;
  const ref = refOf(arg);
  const session = sessionFor(services, ref);
  if (!session) return undefined;

  let target = targetOf(session.context, ref);
  if (!target) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: l10n.t('The credential of context {0}', session.context), description: l10n.t('as the kubeconfig gives it now'), sa: false },
        { label: l10n.t('A fresh token of a service account…'), description: l10n.t('requested with TokenRequest for 10 minutes'), sa: true },
      ],
      { title: l10n.t('Probe Token Under Concurrency: which token?'), ignoreFocusOut: true },
    );
    if (!pick) return undefined;
    if (pick.sa) {
      const sa = await pickServiceAccount(services, session, l10n.t('Probe Token Under Concurrency'));
      if (!sa) return undefined;
      target = targetOf(session.context, { kind: 'serviceAccount', context: session.context, namespace: sa.namespace, name: sa.name });
    } else {
      target = targetOf(session.context, { kind: 'context', context: session.context });
    }
    if (!target) return undefined;
  }
  const t = target;
  const requests = services.settings.probeRequests;

  const res = await withCancellableProgress(l10n.t('Probing {0} with {1} parallel requests', t.whose, requests), async (signal, report) => {
    let credential: ProbeCredential = { kind: 'active' };
    if (t.serviceAccount) {
      report(l10n.t('requesting a fresh token…'));
      const issued = await requestToken(session.api, {
        namespace: t.serviceAccount.namespace,
        serviceAccount: t.serviceAccount.name,
        expirationSeconds: MIN_TOKEN_SECONDS,
        signal,
      });
      if (!issued.ok) return { stage: 'token' as const, result: issued };
      services.log.info(
        `Probe: TokenRequest for ${t.serviceAccount.namespace}/${t.serviceAccount.name} (token sha256:${issued.value.fingerprint}, 10 min, kept only for the probe).`,
      );
      credential = { kind: 'token', token: issued.value.token };
    }
    report(l10n.t('sending {0} requests at once…', requests));
    return {
      stage: 'probe' as const,
      result: await probeConcurrency(session.provider, {
        requests,
        credential,
        signal,
        ...probeTransportOf(session.api),
      }),
    };
  });
  if (!res.result.ok) {
    showFailure(services, res.stage === 'token' ? l10n.t('request a token to probe {0}', t.whose) : l10n.t('probe {0}', t.whose), res.result.error);
    return undefined;
  }
  if (res.stage !== 'probe') return undefined;
  const outcome = res.result.value;
  const findings = keepProbe(cc, outcome, t.subject);

  const said = probeSentence(outcome, t.whose);
  services.log.info(`Probe: ${said.text}`);
  const showHealth = l10n.t('Show Token Health');
  const buttons = findings.length > 0 ? [showHealth] : [];
  void show(said.level, said.text, ...buttons).then((pick) => {
    if (pick === showHealth) void vscode.commands.executeCommand(COMMAND.showTokenHealth, findings[0]?.target);
  });
  return { ok: outcome.ok, unauthorized: outcome.unauthorized, other: outcome.other, findings: findings.length };
}
