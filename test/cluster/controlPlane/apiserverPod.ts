// The kube-apiserver's static pod as kubeadm makes it: the kubelet of a control-plane node runs it
// from a manifest and shows it in the API as the mirror pod `kube-system/kube-apiserver-<node>`,
// whose log is the apiserver's own (where refused credentials are logged). Its flags show where the
// audit log goes (the test cluster rotates it at a size the megabyte flag cannot say, so that flag is
// left out). No ownerReference to the Node: this cluster's garbage collector would take a pod whose
// controller is not a workload for an orphan.

import { nodeFilesOf } from '../nodeFiles';
import { R } from '../resources';
import type { TestCluster } from '../server';
import type { Pod } from '../types';
import { APISERVER_CONTAINER, APISERVER_LABELS, APISERVER_NAMESPACE, klogLine } from './apiserverLog';
import { controlPlaneOf } from './signals';

export interface ApiserverPodOptions {
  node: string;
  /** Where the manifest says the audit log goes (a hostPath on the node). */
  auditLogPath: string;
}

/**
 * The mirror pod of node's kube-apiserver, made unless another scenario made it. Not inside
 * `cluster.batch`: its kubelet must have started it before its log is begun.
 */
export function ensureApiserverPod(cluster: TestCluster, o: ApiserverPodOptions): Pod {
  const name = `kube-apiserver-${o.node}`;
  const existing = cluster.store.peek(R.pods, APISERVER_NAMESPACE, name) as Pod | undefined;
  if (existing !== undefined) return existing;
  const auditDir = o.auditLogPath.slice(0, o.auditLogPath.lastIndexOf('/'));
  const made = cluster.api.create(
    R.pods,
    APISERVER_NAMESPACE,
    {
      metadata: {
        name,
        labels: APISERVER_LABELS,
        annotations: {
          'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': '127.0.0.1:6443',
          'kubernetes.io/config.mirror': '5f0a6c1e9c3b4d2f8e7a6b5c4d3e2f1a',
          'kubernetes.io/config.source': 'file',
        },
      },
      spec: {
        nodeName: o.node,
        hostNetwork: true,
        priorityClassName: 'system-node-critical',
        automountServiceAccountToken: false,
        containers: [
          {
            name: APISERVER_CONTAINER,
            image: 'registry.k8s.io/kube-apiserver:v1.32.6',
            command: [
              'kube-apiserver',
              '--advertise-address=127.0.0.1',
              '--authorization-mode=Node,RBAC',
              '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
              '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
              '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
              '--audit-policy-file=/etc/kubernetes/audit-policy.yaml',
              `--audit-log-path=${o.auditLogPath}`,
              '--audit-log-format=json',
            ],
            volumeMounts: [
              { name: 'audit-policy', mountPath: '/etc/kubernetes/audit-policy.yaml', readOnly: true },
              { name: 'audit-log', mountPath: auditDir },
            ],
          },
        ],
        volumes: [
          { name: 'audit-policy', hostPath: { path: '/etc/kubernetes/audit-policy.yaml', type: 'File' } },
          { name: 'audit-log', hostPath: { path: auditDir, type: 'DirectoryOrCreate' } },
        ],
      },
    },
    { manager: 'kubelet' },
  );
  if (!made.ok) throw new Error(`could not make ${name}: ${made.error.body.message ?? ''}`);
  // The node's audit folder holds what the control plane's audit log wrote (under its name on the node).
  const auditName = o.auditLogPath.slice(o.auditLogPath.lastIndexOf('/') + 1);
  nodeFilesOf(cluster.store).mount(o.node, auditDir, () => {
    const files = controlPlaneOf(cluster).audit?.filesByName() ?? new Map<string, () => string | undefined>();
    const active = files.get('audit.log');
    if (auditName !== 'audit.log' && active !== undefined) {
      files.delete('audit.log');
      files.set(auditName, active);
    }
    return files;
  });
  // Its log starts as the apiserver's does, not with the generic line our kubelet writes.
  const now = cluster.clock.nowMs();
  const log = cluster.logs.container(APISERVER_NAMESPACE, name, APISERVER_CONTAINER);
  log.clear();
  log.append(klogLine('I', now, 'options.go:220', 'external host was not specified, using 127.0.0.1'), now);
  log.append(klogLine('I', now, 'server.go:156', 'Version', [['version', 'v1.32.6']]), now);
  return made.object as Pod;
}
