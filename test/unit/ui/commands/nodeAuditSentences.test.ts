// What Read Audit Log from a Control-Plane Node says before it creates anything, after it read, and when no node
// can be read: the node, context, image, namespace, mounted folder and permissions named; the counts and the cleanup.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditLocation, NodeAuditRead } from '../../../../src/cluster/actions/nodeAudit';
import { NODE_AUDIT_MAX_BYTES, nodeAuditConfirmation, nodeAuditResult, unreadableSentence } from '../../../../src/ui/commands/nodeAuditSentences';

const LOC: AuditLocation = {
  apiserverPod: 'kube-apiserver-cp-1',
  node: 'cp-1',
  containerPath: '/var/log/kubernetes/audit/audit.log',
  nodePath: '/var/log/kubernetes/audit/audit.log',
  nodeDir: '/var/log/kubernetes/audit',
  fileName: 'audit.log',
};

const none = { stalePods: [], legacyTokens: [], unauthorized: [] };

describe('Read Audit Log from a Control-Plane Node, in words', () => {
  it('asks first, naming node, context, image, namespace, the folder mounted read-only and the permissions it needs', () => {
    const c = nodeAuditConfirmation(LOC, 'registry.local/busybox:1.36', 'kube-system', 'prod-eu');
    assert.equal(c.message, 'Create a pod on node cp-1 in context prod-eu to read its audit log?');
    assert.equal(c.proceed, 'Create Reader Pod');
    for (const said of [
      'image registry.local/busybox:1.36',
      'namespace kube-system',
      'folder /var/log/kubernetes/audit mounted read-only',
      'create, get and delete pods and to create pods/exec in kube-system',
      'deleted afterwards',
      'hostPath',
      '256.0 MiB',
    ]) {
      assert.ok(c.detail.includes(said), said);
    }
    assert.equal(NODE_AUDIT_MAX_BYTES, 256 * 1024 * 1024);
  });

  it('says what was read and found, and that the reader pod is gone', () => {
    const read: NodeAuditRead = {
      readerPod: 'r-1',
      files: [
        { name: 'audit.log', bytes: 3 * 1024 * 1024 },
        { name: 'audit-x.log', bytes: 1024 * 1024 },
      ],
      skipped: [],
      truncated: false,
    };
    const found = {
      ...none,
      stalePods: [{ namespace: 'db', pod: 'p', serviceAccount: 's', subject: 'x', firstSeenMs: 0, lastSeenMs: 0, requests: 1, userAgents: [], sourceIPs: [] }],
    };
    const said = nodeAuditResult(LOC, read, found);
    assert.equal(said.level, 'warning');
    assert.equal(
      said.text,
      'Read 2 audit file(s) (4.0 MiB) of node cp-1: 1 pod(s) send a stale token, 0 legacy token(s) in use, 0 caller(s) refused with 401; the findings are in the explorer. The reader pod was deleted.',
    );
    assert.equal(nodeAuditResult(LOC, read, none).level, 'info');
  });

  it('says when the read was cut, and when the reader pod is left behind', () => {
    const read: NodeAuditRead = {
      readerPod: 'r-1',
      files: [{ name: 'audit.log', bytes: 10 }],
      skipped: ['audit-old.log'],
      truncated: true,
      leftBehind: 'the reader pod kube-system/r-1 could not be deleted (…); delete it with kubectl delete pod -n kube-system r-1',
    };
    const said = nodeAuditResult(LOC, read, none);
    assert.equal(said.level, 'warning');
    assert.match(said.text, /older events were left out \(the read stops at 256\.0 MiB\)/);
    assert.match(said.text, /But the reader pod kube-system\/r-1 could not be deleted .*kubectl delete pod -n kube-system r-1\.$/);
  });

  it('says why no node can be read: each apiserver and its reason, or a managed control plane', () => {
    assert.equal(
      unreadableSentence([{ apiserverPod: 'kube-apiserver-cp-1', node: 'cp-1', reason: 'audit logging to a file is off' }]),
      'No audit log of this cluster can be read from a node: kube-apiserver-cp-1 on cp-1: audit logging to a file is off.',
    );
    assert.match(unreadableSentence([]), /managed control plane \(EKS, GKE, AKS\).*clusterCredentials\.audit\.paths/);
  });
});
