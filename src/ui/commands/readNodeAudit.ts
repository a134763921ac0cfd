// Read Audit Log from a Control-Plane Node: an explicit command, never run in the background. It finds the
// apiserver's audit file through its static pod, asks before it creates anything (naming the node, the image,
// the namespace, what is mounted and the permissions it needs), reads the file through a short-lived reader pod
// that is deleted afterwards, and hands what it found to the diagnosis as that context's audit evidence.
import { Writable } from 'node:stream';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { findAuditLocations, isAuditLocation, readNodeAudit, type AuditLocation, type AuditLocationProblem } from '../../cluster/actions/nodeAudit';
import { AuditLineScanner } from '../../controlPlane/auditScanner';
import { AuditSummary, type AuditFindingsInput } from '../../controlPlane/auditSummary';
import { refOf } from '../../shared/nodeRef';
import type { CommandContext } from './context';
import { confirm, sessionFor, show, showFailure, withCancellableProgress, type Report } from './common';
import { NODE_AUDIT_MAX_BYTES, nodeAuditConfirmation, nodeAuditResult, unreadableSentence } from './nodeAuditSentences';

async function chooseLocation(locations: readonly AuditLocation[]): Promise<AuditLocation | undefined> {
  if (locations.length === 1) return locations[0];
  const picked = await vscode.window.showQuickPick(
    locations.map((loc) => ({ label: loc.node, description: loc.nodePath, detail: l10n.t('apiserver {0}', loc.apiserverPod), loc })),
    { title: l10n.t('Read the audit log of which control-plane node?'), placeHolder: l10n.t('Each API server writes its own audit log on its node') },
  );
  return picked?.loc;
}

function stageText(stage: string, pod: string | undefined, node: string): string {
  if (stage === 'creating') return l10n.t('creating the reader pod on {0}…', node);
  const reader = pod ?? l10n.t('the reader pod');
  if (stage === 'waitingForStart') return l10n.t('waiting for {0} to start on {1}…', reader, node);
  if (stage === 'reading') return l10n.t('reading the audit log through {0}…', reader);
  return l10n.t('deleting {0}…', reader);
}

export async function readNodeAuditCommand(cc: CommandContext, arg?: unknown): Promise<{ outcome: string; found?: AuditFindingsInput } | undefined> {
  const { services } = cc;
  const session = sessionFor(services, refOf(arg));
  if (!session) return undefined;
  const located = await withCancellableProgress(l10n.t('Finding the API server’s audit log'), (signal) => findAuditLocations(session.api, signal));
  if (!located.ok) {
    showFailure(services, l10n.t('find the API server’s audit log'), located.error);
    return undefined;
  }
  const locations = located.value.filter(isAuditLocation);
  if (locations.length === 0) {
    const text = unreadableSentence(located.value.filter((l): l is AuditLocationProblem => !isAuditLocation(l)));
    services.log.info(text);
    void show('warning', text);
    return { outcome: 'noLocation' };
  }
  const loc = await chooseLocation(locations);
  if (!loc) return undefined;
  const image = services.settings.nodeReaderImage;
  const namespace = services.settings.nodeReaderNamespace;
  if (!(await confirm(nodeAuditConfirmation(loc, image, namespace, session.context)))) return { outcome: 'notConfirmed' };

  const summary = new AuditSummary();
  const read = await withCancellableProgress(l10n.t('Reading the audit log of node {0}', loc.node), (signal, report: Report) =>
    readNodeAudit(session.api, loc, {
      namespace,
      image,
      maxBytes: NODE_AUDIT_MAX_BYTES,
      signal,
      onStage: (stage, pod) => report(stageText(stage, pod, loc.node)),
      sink: () => {
        const scanner = new AuditLineScanner((e) => summary.add(e));
        return new Writable({
          write(chunk: Buffer, _enc, cb) {
            scanner.push(chunk);
            cb();
          },
          final(cb) {
            scanner.end();
            cb();
          },
        });
      },
    }),
  );
  if (!read.ok) {
    showFailure(services, l10n.t('read the audit log of node {0}', loc.node), read.error);
    return { outcome: 'failed' };
  }
  const found = summary.result();
  // The reader pod's name and the counts only: never a line of the log (it can hold request URIs with secrets).
  services.log.info(
    `Node audit read in context ${session.context}: ${read.value.files.map((f) => `${f.name} (${f.bytes} bytes)`).join(', ')} through ${read.value.readerPod} on ${loc.node}; ` +
      `${found.stalePods.length} stale-token pod(s), ${found.legacyTokens.length} legacy token(s), ${found.unauthorized.length} refused caller(s).`,
  );
  services.state.audit?.addNodeRead(session.context, found);
  const said = nodeAuditResult(loc, read.value, found);
  void show(said.level, said.text);
  return { outcome: 'read', found };
}
