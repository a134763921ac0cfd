// Named scenarios that set a test cluster up: `healthy`, `large`, and the incident scenarios
// other modules register. A scenario builds through cluster.api, as a client would.

import type { TestCluster } from '../server';

/**
 * A file a scenario hands to whoever runs the cluster, such as a node's kubeconfig that lives on
 * the node's disk rather than in the API. `npm run cluster -- --dir D` writes it to D/path.
 */
export interface ScenarioFile {
  /** Relative to the folder it is written to, with `/` separators: `node-1/multus.kubeconfig`. */
  path: string;
  text: string;
  /** One line saying what the file is, printed by the CLI. */
  description: string;
  /**
   * For a file the cluster goes on writing while it runs (an audit log): told where the file was
   * written, it writes there from then on. `text` is then what the file held at that moment.
   */
  live?(path: string): void;
  /** The file's mode when written (default 0600): 0700 for a script a kubeconfig runs. */
  mode?: number;
  /**
   * For a file that names another scenario file by its absolute path (a kubeconfig's exec plugin):
   * its text once the folder it is written to is known. `text` then names it relative to that folder.
   */
  textIn?(dir: string): string;
}

/** What a scenario may return besides building objects. */
export interface ScenarioOutcome {
  files?: ScenarioFile[];
}

export type Scenario = (cluster: TestCluster) => void | ScenarioOutcome | Promise<void | ScenarioOutcome>;

const scenarios = new Map<string, Scenario>();

export function registerScenario(name: string, scenario: Scenario): void {
  if (scenarios.has(name)) throw new Error(`scenario "${name}" is registered twice`);
  scenarios.set(name, scenario);
}

export function scenarioNames(): string[] {
  return [...scenarios.keys()].sort();
}

/** Run scenarios in the order given; an unknown name is a mistake in the caller. Returns their files. */
export async function runScenarios(cluster: TestCluster, names: string[]): Promise<ScenarioFile[]> {
  const files: ScenarioFile[] = [];
  for (const name of names) {
    const scenario = scenarios.get(name);
    if (scenario === undefined) throw new Error(`unknown scenario "${name}"; known: ${scenarioNames().join(', ')}`);
    const outcome = await scenario(cluster);
    for (const file of outcome?.files ?? []) {
      checkFilePath(name, file.path);
      if (files.some((f) => f.path === file.path)) throw new Error(`scenario "${name}" writes ${file.path}, which another scenario already writes`);
      files.push(file);
    }
  }
  return files;
}

/** A scenario file stays inside the folder it is written to. */
function checkFilePath(scenario: string, path: string): void {
  const parts = path.split('/');
  if (path === '' || path.startsWith('/') || path.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`scenario "${scenario}" names a file outside its folder: "${path}"`);
  }
}

/** After `cluster.writeFiles(dir)` wrote `paths`: the live files go on being written where they are now. */
export function handOverLiveFiles(files: readonly ScenarioFile[], paths: readonly string[]): void {
  files.forEach((file, i) => {
    const path = paths[i];
    if (path !== undefined) file.live?.(path);
  });
}
