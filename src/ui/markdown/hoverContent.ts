// What a hover at an offset shows: the credential under the cursor, assessed and rendered.
// No vscode import, so the benchmark measures exactly what the hover provider runs.
import { assessCredential } from '../../diagnosis/credentialAssessment';
import { credentialAt } from '../../token/locate';
import type { ExpiryOptions, LocatedCredential } from '../../token/types';
import { assessmentMarkdown } from './credentialMarkdown';

export interface HoverContent {
  markdown: string;
  start: number;
  end: number;
}

export function hoverContentAt(located: LocatedCredential[], offset: number, nowSeconds: number, options?: Partial<ExpiryOptions>): HoverContent | undefined {
  const found = credentialAt(located, offset);
  if (!found) return undefined;
  const assessment = assessCredential(found, nowSeconds, options);
  return { markdown: assessmentMarkdown(assessment, nowSeconds), start: found.start, end: found.end };
}
