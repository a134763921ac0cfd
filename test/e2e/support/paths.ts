import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const VSIX = process.env.CC_VSIX ?? join(ROOT, 'dist', 'cluster-credentials.vsix');
export const RESULTS = join(ROOT, 'test-results');
mkdirSync(RESULTS, { recursive: true });
export const CHROMIUM = process.env.CC_CHROMIUM ?? '/usr/bin/chromium';
