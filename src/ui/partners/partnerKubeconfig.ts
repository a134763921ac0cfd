// Whether the kubeconfig another Kubernetes extension reports is the one Cluster Credentials reads, and if
// not, the sentence that says so and what to do (no VS Code: tested in plain Node).
import path from 'node:path';
import type { KubeconfigOrigin } from '../../cluster/auth/kubeconfig';

/** The kubeconfig the partner says it uses: Kubernetes Tools' `KubeconfigPath`, host or WSL. */
export type ReportedKubeconfig = { readonly pathType: 'host'; readonly hostPath: string } | { readonly pathType: 'wsl'; readonly wslPath: string };

export interface OurKubeconfig {
  files: readonly string[];
  origin: KubeconfigOrigin;
}

const ORIGIN_WORDS: Record<KubeconfigOrigin, string> = {
  setting: 'the setting clusterCredentials.kubeconfig',
  vsKubernetes: 'the setting vs-kubernetes.kubeconfig',
  KUBECONFIG: 'KUBECONFIG',
  default: 'the default location',
};

/**
 * Undefined when we read the file(s) the partner reports (a KUBECONFIG-style list counts when we read every entry);
 * otherwise one sentence with the next step.
 */
export function kubeconfigMismatch(reported: ReportedKubeconfig, ours: OurKubeconfig | undefined, platformPath = path): string | undefined {
  if (reported.pathType === 'wsl') {
    return `Kubernetes Tools uses the kubeconfig ${reported.wslPath} inside WSL, which Cluster Credentials cannot follow; set clusterCredentials.kubeconfig to that file's Windows path to use the same contexts.`;
  }
  const wanted = reported.hostPath
    .split(platformPath.delimiter)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => platformPath.resolve(p));
  if (wanted.length === 0) return undefined;
  const read = new Set((ours?.files ?? []).map((f) => platformPath.resolve(f)));
  if (wanted.every((f) => read.has(f))) return undefined;
  const what = ours && ours.files.length > 0 ? `${ours.files.join(', ')} (from ${ORIGIN_WORDS[ours.origin]})` : 'no kubeconfig';
  const step =
    ours?.origin === 'setting'
      ? `clear clusterCredentials.kubeconfig or set it to ${reported.hostPath}`
      : `set clusterCredentials.kubeconfig to ${reported.hostPath}`;
  return `Kubernetes Tools uses the kubeconfig ${reported.hostPath}, but Cluster Credentials reads ${what}; ${step} so both show the same contexts.`;
}
