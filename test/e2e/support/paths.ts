import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const VSIX = process.env.CC_VSIX ?? join(ROOT, 'dist', 'cluster-credentials.vsix');
export const RESULTS = join(ROOT, 'test-results');
mkdirSync(RESULTS, { recursive: true });
export const CHROMIUM = process.env.CC_CHROMIUM ?? '/usr/bin/chromium';
/** Headless as root on a closed network: without the networking flags Chromium keeps trying hosts it cannot reach. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
