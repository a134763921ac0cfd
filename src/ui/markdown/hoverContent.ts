// What a hover at an offset shows: the credential under the cursor, assessed and rendered.
// No vscode import, so the benchmark measures exactly what the hover provider runs.
import { assessCredential } from '../../diagnosis/credentialAssessment';
import { clustersOfUserToken } from '../../diagnosis/kubeconfigPlace';
import { credentialAt } from '../../token/locate';
import type { ExpiryOptions, LocatedCredential } from '../../token/types';
import { assessmentMarkdown } from './credentialMarkdown';

export interface HoverContent {
  markdown: string;
  start: number;
  end: number;
}

/**
 * `text` gives the document's text, read only for an EKS token in a kubeconfig's `users[].user.token`: the
 * cluster it is for is named by the contexts around it, not by the token.
 */
export function hoverContentAt(
  located: LocatedCredential[],
  offset: number,
  nowSeconds: number,
  options?: Partial<ExpiryOptions>,
  text?: () => string,
): HoverContent | undefined {
  const found = credentialAt(located, offset);
  if (!found) return undefined;
  const assessment = assessCredential(found, nowSeconds, options);
  const clusters = assessment.kind === 'eksToken' && text !== undefined ? clustersOfUserToken(text(), found.path) : [];
  return { markdown: assessmentMarkdown(assessment, nowSeconds, clusters.length > 0 ? { clusters } : undefined), start: found.start, end: found.end };
}
