// The scenario registry plus every built-in scenario. A new scenario is a module that calls
// registerScenario, imported here once.

export { registerScenario, runScenarios, scenarioNames, type Scenario } from './registry';

import './healthy';
import './large';
