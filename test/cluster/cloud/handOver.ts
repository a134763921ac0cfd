// Writing a scenario's files into a folder outside `--dir`, for tests that want one scenario's files on
// their own: as `TestCluster.writeFiles` writes them, and each live file followed there.

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ScenarioFile } from '../scenarios/registry';

/** Writes `files` under `dir` and returns their absolute paths, in order. */
export function writeScenarioFiles(files: readonly ScenarioFile[], dir: string): string[] {
  return files.map((file) => {
    const path = join(dir, ...file.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.textIn?.(dir) ?? file.text, { mode: file.mode ?? 0o600 });
    if (file.mode !== undefined) chmodSync(path, file.mode);
    file.live?.(path);
    return path;
  });
}
