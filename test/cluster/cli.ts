// `npm run cluster -- --scenario NAME[,NAME] [--port N] [--dir D]`: start the test cluster,
// write an admin kubeconfig and the scenarios' files (a node's kubeconfig, say) into D, print the
// kubeconfig's path, and run until SIGINT/SIGTERM. `--scenario demo` is healthy plus every incident.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Clock } from './clock';
import { DEMO_SCENARIOS, handOverLiveFiles, scenarioNames } from './scenarios/index';
import { startTestCluster } from './server';

function scenarioList(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return names.flatMap((n) => (n === 'demo' ? DEMO_SCENARIOS : [n]));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'healthy' },
      port: { type: 'string' },
      dir: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help === true) {
    process.stdout.write(
      `usage: cluster --scenario NAME[,NAME] [--port N] [--dir D]\nscenarios: ${scenarioNames().join(', ')}\ndemo: ${DEMO_SCENARIOS.join(',')}\n`,
    );
    return;
  }
  const scenarios = scenarioList(values.scenario ?? '');
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port ?? ''}`);
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'test-cluster-'));

  // Time flows for the demo; tests that need a frozen clock use startTestCluster directly.
  const cluster = await startTestCluster({ port, scenarios, clock: new Clock(Date.now(), { realTime: true }) });
  const path = cluster.writeKubeconfig(dir);
  const written = cluster.writeFiles(dir);
  // A file the cluster keeps writing (the audit log) lives on in D from here.
  handOverLiveFiles(cluster.files, written);
  // The kubeconfig's path is the line that starts with the folder; callers wait for it.
  process.stdout.write(`test cluster ${cluster.url} (scenarios: ${scenarios.join(', ') || 'none'})\n${path}\n`);
  cluster.files.forEach((file, i) => process.stdout.write(`scenario file: ${written[i] ?? file.path} (${file.description})\n`));

  // Real time moves the kubelets too: let them refresh tokens once a second.
  const tick = setInterval(() => cluster.advance(0), 1000);
  const shutdown = (): void => {
    clearInterval(tick);
    cluster.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
