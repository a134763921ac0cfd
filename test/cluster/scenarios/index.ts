// The scenario registry plus every built-in scenario. A new scenario is a module that calls
// registerScenario, imported here once.

export { handOverLiveFiles, registerScenario, runScenarios, scenarioNames, type Scenario, type ScenarioFile, type ScenarioOutcome } from './registry';

import './healthy';
import './large';
import './huge';
import './patroniExpired';
import './apisixNotReloading';
import './kubeletRefreshStalled';
import './multusKubeconfigExpired';
import './rancherConcurrent401';
import './staleTokens';
import './hostile';
import './clouds';
import './loginRequired';

/** The five incidents, in the order the demo lists them; each combines with the others and `healthy`. */
export const INCIDENT_SCENARIOS = [
  'patroni-expired',
  'apisix-not-reloading',
  'kubelet-refresh-stalled',
  'multus-kubeconfig-expired',
  'rancher-concurrent-401',
] as const;

/** What `npm start` runs when no cluster is reachable: the healthy cluster with every incident. */
export const DEMO_SCENARIOS: readonly string[] = ['healthy', ...INCIDENT_SCENARIOS];
