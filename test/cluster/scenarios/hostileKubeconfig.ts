// The `hostile` scenario's kubeconfig: 10,000 contexts in kubectl's layout, written line by line (a
// YAML library is slow on it and adds nothing). Its current context is the admin on the test cluster;
// one context's server accepts connections and never answers, one's user runs an exec plugin that
// never exits, one's user holds a JWT whose claims nest 5,000 levels; the rest are teams' contexts.

export interface HostileKubeconfigSpec {
  contexts: number;
  server: string;
  /** The listener that accepts and never answers. */
  silentServer: string;
  caPem: string;
  adminToken: string;
  /** A service-account token of the scenario's app, for the teams' contexts. */
  appToken: string;
  deepToken: string;
  /** The exec plugin as the kubeconfig names it: an absolute path, or one relative to the kubeconfig's folder. */
  execCommand: string;
  names: { admin: string; silent: string; exec: string; deep: string };
}

/** The teams' contexts (all but the four named ones), in order: `team-00001`… */
export function teamContextName(n: number): string {
  return `team-${String(n).padStart(5, '0')}`;
}

/** The script a kubeconfig runs for a credential, which waits for ever and never prints one. */
export const NEVER_EXITING_PLUGIN = [
  '#!/bin/sh',
  '# An exec credential plugin that never answers and never exits, like one waiting at a login prompt nobody sees.',
  'exec sleep 1000000',
  '',
].join('\n');

export function hostileKubeconfigYaml(spec: HostileKubeconfigSpec): string {
  const ca = Buffer.from(spec.caPem).toString('base64');
  const { admin, silent, exec, deep } = spec.names;
  const out: string[] = ['apiVersion: v1', 'clusters:'];
  const cluster = (name: string, server: string): void => {
    out.push('- cluster:', `    certificate-authority-data: ${ca}`, `    server: ${server}`, `  name: ${name}`);
  };
  cluster('hostile', spec.server);
  cluster(silent, spec.silentServer);
  out.push('contexts:');
  const context = (name: string, clusterName: string, user: string, namespace?: string): void => {
    out.push(
      '- context:',
      `    cluster: ${clusterName}`,
      ...(namespace !== undefined ? [`    namespace: ${namespace}`] : []),
      `    user: ${user}`,
      `  name: ${name}`,
    );
  };
  context(admin, 'hostile', admin);
  context(silent, silent, admin);
  context(exec, 'hostile', exec);
  context(deep, 'hostile', deep, 'hostile');
  for (let n = 1; n <= spec.contexts - 4; n++) context(teamContextName(n), 'hostile', 'hostile-app', teamContextName(n));
  out.push(`current-context: ${admin}`, 'kind: Config', 'preferences: {}', 'users:');
  out.push(`- name: ${deep}`, '  user:', `    token: ${spec.deepToken}`);
  out.push(
    `- name: ${exec}`,
    '  user:',
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1',
    `      command: ${spec.execCommand}`,
    '      interactiveMode: Never',
    '      provideClusterInfo: false',
  );
  out.push(`- name: ${admin}`, '  user:', `    token: ${spec.adminToken}`);
  out.push('- name: hostile-app', '  user:', `    token: ${spec.appToken}`);
  return `${out.join('\n')}\n`;
}
