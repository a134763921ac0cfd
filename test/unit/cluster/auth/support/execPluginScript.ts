// An exec credential plugin for tests: a Node script that answers from a plan file and logs each run.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface PluginAnswer {
  /** Fail this run with this exit code (and `stderr`). */
  exitCode?: number;
  stderr?: string;
  token?: string;
  expirationTimestamp?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
}

export interface PluginPlan {
  /** Run n uses answers[n-1], the last one once they run out. */
  answers: PluginAnswer[];
  apiVersion?: string;
  exitCode?: number;
  stderr?: string;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

const SCRIPT = `
const fs = require('node:fs');
const path = require('node:path');
const dir = process.argv[2];
const countFile = path.join(dir, 'count');
const n = (fs.existsSync(countFile) ? Number(fs.readFileSync(countFile, 'utf8')) : 0) + 1;
fs.writeFileSync(countFile, String(n));
fs.writeFileSync(path.join(dir, 'run-' + n + '.json'), JSON.stringify({
  execInfo: process.env.KUBERNETES_EXEC_INFO,
  pluginEnv: process.env.PLUGIN_ENV,
  args: process.argv.slice(3),
}));
const plan = JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf8'));
if (plan.hang) { setTimeout(() => {}, 600000); return; }
if (plan.stderr) process.stderr.write(plan.stderr);
if (plan.exitCode) { process.exitCode = plan.exitCode; return; }
const { exitCode, stderr, ...answer } = plan.answers[Math.min(n, plan.answers.length) - 1];
if (stderr) process.stderr.write(stderr);
if (exitCode) { process.exitCode = exitCode; return; }
process.stdout.write(JSON.stringify({
  apiVersion: plan.apiVersion || 'client.authentication.k8s.io/v1',
  kind: 'ExecCredential',
  status: answer,
}));
`;

export interface TestPlugin {
  /** The kubeconfig `exec` stanza that runs this plugin. */
  exec: Record<string, unknown>;
  runs(): number;
  /** What run n saw: KUBERNETES_EXEC_INFO (parsed), PLUGIN_ENV and extra args. */
  run(n: number): { execInfo: Record<string, unknown>; pluginEnv?: string; args: string[] };
  setPlan(plan: PluginPlan): void;
}

export function writeTestPlugin(dir: string, plan: PluginPlan, extra: Record<string, unknown> = {}): TestPlugin {
  const script = path.join(dir, 'plugin.cjs');
  writeFileSync(script, SCRIPT);
  const setPlan = (p: PluginPlan): void => writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(p));
  setPlan(plan);
  return {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1',
      // The Node 24 binary running the tests.
      command: process.execPath,
      args: [script, dir],
      interactiveMode: 'Never',
      ...extra,
    },
    runs: () => (existsSync(path.join(dir, 'count')) ? Number(readFileSync(path.join(dir, 'count'), 'utf8')) : 0),
    run: (n) => {
      const raw = JSON.parse(readFileSync(path.join(dir, `run-${n}.json`), 'utf8'));
      return { execInfo: JSON.parse(raw.execInfo), pluginEnv: raw.pluginEnv, args: raw.args };
    },
    setPlan,
  };
}

export function runFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('run-'));
}
