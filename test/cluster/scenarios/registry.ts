// Named scenarios that set a test cluster up: `healthy`, `large`, and the incident scenarios
// other modules register. A scenario builds through cluster.api, as a client would.

import type { TestCluster } from '../server';

export type Scenario = (cluster: TestCluster) => void | Promise<void>;

const scenarios = new Map<string, Scenario>();

export function registerScenario(name: string, scenario: Scenario): void {
  if (scenarios.has(name)) throw new Error(`scenario "${name}" is registered twice`);
  scenarios.set(name, scenario);
}

export function scenarioNames(): string[] {
  return [...scenarios.keys()].sort();
}

/** Run scenarios in the order given; an unknown name is a mistake in the caller. */
export async function runScenarios(cluster: TestCluster, names: string[]): Promise<void> {
  for (const name of names) {
    const scenario = scenarios.get(name);
    if (scenario === undefined) throw new Error(`unknown scenario "${name}"; known: ${scenarioNames().join(', ')}`);
    await scenario(cluster);
  }
}
