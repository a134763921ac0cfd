// Whether the kubeconfig Kubernetes Tools reports is the one we read, and the sentence when it is not.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { kubeconfigMismatch } from '../../../../src/ui/partners/partnerKubeconfig';

describe('the kubeconfig Kubernetes Tools reports', () => {
  it('agrees when we read that file, however the path is spelled', () => {
    assert.equal(
      kubeconfigMismatch({ pathType: 'host', hostPath: '/home/a/.kube/../.kube/config' }, { files: ['/home/a/.kube/config'], origin: 'default' }),
      undefined,
    );
  });

  it('agrees with a KUBECONFIG list when we read every entry of it', () => {
    const ours = { files: ['/k/a', '/k/b'], origin: 'KUBECONFIG' as const };
    assert.equal(kubeconfigMismatch({ pathType: 'host', hostPath: ['/k/a', '/k/b'].join(path.delimiter) }, ours), undefined);
    assert.match(
      kubeconfigMismatch({ pathType: 'host', hostPath: ['/k/a', '/k/c'].join(path.delimiter) }, ours) ?? '',
      /reads \/k\/a, \/k\/b \(from KUBECONFIG\)/,
    );
  });

  it('says which file each uses and how to make them the same', () => {
    const s = kubeconfigMismatch({ pathType: 'host', hostPath: '/k/tools' }, { files: ['/k/ours'], origin: 'vsKubernetes' });
    assert.equal(
      s,
      'Kubernetes Tools uses the kubeconfig /k/tools, but Cluster Credentials reads /k/ours (from the setting vs-kubernetes.kubeconfig); set clusterCredentials.kubeconfig to /k/tools so both show the same contexts.',
    );
  });

  it('offers to clear our setting when it is our setting that differs', () => {
    assert.match(
      kubeconfigMismatch({ pathType: 'host', hostPath: '/k/tools' }, { files: ['/k/ours'], origin: 'setting' }) ?? '',
      /; clear clusterCredentials\.kubeconfig or set it to \/k\/tools so both/,
    );
  });

  it('says when we read nothing', () => {
    assert.match(kubeconfigMismatch({ pathType: 'host', hostPath: '/k/tools' }, undefined) ?? '', /Cluster Credentials reads no kubeconfig;/);
  });

  it('cannot follow a kubeconfig inside WSL, and says what to set instead', () => {
    assert.match(
      kubeconfigMismatch({ pathType: 'wsl', wslPath: '/home/a/.kube/config' }, { files: ['C:\\Users\\a\\.kube\\config'], origin: 'default' }) ?? '',
      /inside WSL, which Cluster Credentials cannot follow; set clusterCredentials\.kubeconfig/,
    );
  });
});
