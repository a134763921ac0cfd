// What Read Audit Log from a Control-Plane Node says: its confirmation, its result and why no node could be read.
// Pure, so the words are tested without VS Code.
import * as l10n from '@vscode/l10n';
import type { AuditLocation, AuditLocationProblem, NodeAuditRead } from '../../cluster/actions/nodeAudit';
import type { AuditFindingsInput } from '../../controlPlane/auditSummary';
import type { Confirmation } from './sentences';

/** At most this much of a node's audit log is read, newest first (a busy cluster writes gigabytes a day). */
export const NODE_AUDIT_MAX_BYTES = 256 * 1024 * 1024;

export function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

export function nodeAuditConfirmation(loc: AuditLocation, image: string, namespace: string, context: string): Confirmation {
  return {
    message: l10n.t('Create a pod on node {0} in context {1} to read its audit log?', loc.node, context),
    detail: l10n.t(
      "The API server's image has no shell, so a reader pod (image {0}) is created in namespace {1}, bound to node {2}, with only the node's folder {3} mounted read-only. It reads {4} and its rotated files (at most {5}, newest first) and is deleted afterwards; it also stops by itself within 10 minutes. It needs permission to create, get and delete pods and to create pods/exec in {1}, a namespace whose Pod Security admits hostPath volumes, and a node that can pull {0}. Image and namespace are the settings clusterCredentials.audit.nodeReaderImage and clusterCredentials.audit.nodeReaderNamespace.",
      image,
      namespace,
      loc.node,
      loc.nodeDir,
      loc.fileName,
      mib(NODE_AUDIT_MAX_BYTES),
    ),
    proceed: l10n.t('Create Reader Pod'),
  };
}

/** What the read found, in one sentence. */
export function nodeAuditResult(loc: AuditLocation, read: NodeAuditRead, found: AuditFindingsInput): { level: 'info' | 'warning'; text: string } {
  const bytes = read.files.reduce((n, f) => n + f.bytes, 0);
  const what = read.truncated
    ? l10n.t(
        'Read {0} audit file(s) ({1}) of node {2}; older events were left out (the read stops at {3})',
        read.files.length,
        mib(bytes),
        loc.node,
        mib(NODE_AUDIT_MAX_BYTES),
      )
    : l10n.t('Read {0} audit file(s) ({1}) of node {2}', read.files.length, mib(bytes), loc.node);
  const said = l10n.t(
    '{0}: {1} pod(s) send a stale token, {2} legacy token(s) in use, {3} caller(s) refused with 401; the findings are in the explorer.',
    what,
    found.stalePods.length,
    found.legacyTokens.length,
    found.unauthorized.length,
  );
  const level = read.leftBehind !== undefined || found.stalePods.length + found.legacyTokens.length + found.unauthorized.length > 0 ? 'warning' : 'info';
  return {
    level,
    text: read.leftBehind !== undefined ? l10n.t('{0} But {1}.', said, read.leftBehind) : l10n.t('{0} The reader pod was deleted.', said),
  };
}

/** The apiservers that cannot be read from their node, and why, as one sentence. */
export function unreadableSentence(problems: readonly AuditLocationProblem[]): string {
  if (problems.length === 0)
    return l10n.t(
      'No kube-apiserver pod is in kube-system (label component=kube-apiserver): on a managed control plane (EKS, GKE, AKS) the audit log is exported by the provider; point clusterCredentials.audit.paths at an export instead.',
    );
  const each = problems.map((p) => (p.node !== undefined ? l10n.t('{0} on {1}: {2}', p.apiserverPod, p.node, p.reason) : `${p.apiserverPod}: ${p.reason}`));
  return l10n.t('No audit log of this cluster can be read from a node: {0}.', each.join('; '));
}
