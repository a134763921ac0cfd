// What Read Audit Log from a Control-Plane Node says: its confirmation, its result and why no node could be read.
// Pure, so the words are tested without VS Code.
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
    message: `Create a pod on node ${loc.node} in context ${context} to read its audit log?`,
    detail:
      `The API server's image has no shell, so a reader pod (image ${image}) is created in namespace ${namespace}, bound to node ${loc.node}, ` +
      `with only the node's folder ${loc.nodeDir} mounted read-only. It reads ${loc.fileName} and its rotated files (at most ${mib(NODE_AUDIT_MAX_BYTES)}, newest first) ` +
      `and is deleted afterwards; it also stops by itself within 10 minutes. ` +
      `It needs permission to create, get and delete pods and to create pods/exec in ${namespace}, a namespace whose Pod Security admits hostPath volumes, and a node that can pull ${image}. ` +
      `Image and namespace are the settings clusterCredentials.audit.nodeReaderImage and clusterCredentials.audit.nodeReaderNamespace.`,
    proceed: 'Create Reader Pod',
  };
}

/** What the read found, in one sentence. */
export function nodeAuditResult(loc: AuditLocation, read: NodeAuditRead, found: AuditFindingsInput): { level: 'info' | 'warning'; text: string } {
  const bytes = read.files.reduce((n, f) => n + f.bytes, 0);
  const what = `Read ${read.files.length} audit file(s) (${mib(bytes)}) of node ${loc.node}`;
  const cut = read.truncated ? `; older events were left out (the read stops at ${mib(NODE_AUDIT_MAX_BYTES)})` : '';
  const parts = [
    `${found.stalePods.length} pod(s) send a stale token`,
    `${found.legacyTokens.length} legacy token(s) in use`,
    `${found.unauthorized.length} caller(s) refused with 401`,
  ];
  const cleanup = read.leftBehind !== undefined ? ` But ${read.leftBehind}.` : ' The reader pod was deleted.';
  const level = read.leftBehind !== undefined || found.stalePods.length + found.legacyTokens.length + found.unauthorized.length > 0 ? 'warning' : 'info';
  return { level, text: `${what}${cut}: ${parts.join(', ')}; the findings are in the explorer.${cleanup}` };
}

/** The apiservers that cannot be read from their node, and why, as one sentence. */
export function unreadableSentence(problems: readonly AuditLocationProblem[]): string {
  if (problems.length === 0)
    return 'No kube-apiserver pod is in kube-system (label component=kube-apiserver): on a managed control plane (EKS, GKE, AKS) the audit log is exported by the provider; point clusterCredentials.audit.paths at an export instead.';
  return `No audit log of this cluster can be read from a node: ${problems.map((p) => `${p.apiserverPod}${p.node !== undefined ? ` on ${p.node}` : ''}: ${p.reason}`).join('; ')}.`;
}
