// The `clusterCredentials.*` setting keys, and which of them an untrusted workspace may not set. A
// cloned repository's .vscode/settings.json must not choose where our credentials go, start exec into
// pods, widen what we list, make the scans heavier, or pick the files we read as a cluster's own evidence:
// for those keys only the user's own value counts.

export const SETTING_SECTION = 'clusterCredentials';

export const SETTING_KEYS = [
  'expiry.warningWindowHours',
  'expiry.warningWindowPercent',
  'problems.enabled',
  'hover.enabled',
  'probe.requests',
  'probe.onStart',
  'scan.onStart',
  'kubeconfig',
  'namespaces',
  'inventory.mode',
  'inventory.podThreshold',
  'liveTokens.mode',
  'liveTokens.intervalSeconds',
  'liveTokens.concurrency',
  'history.maxDays',
  'logs.patterns',
  'logs.tailLines',
  'logs.sinceSeconds',
  'requestTimeoutSeconds',
  'audit.paths',
  'audit.nodeReaderImage',
  'audit.nodeReaderNamespace',
  'metrics.intervalSeconds',
  'statusBar.contexts',
] as const;

export type SettingKey = (typeof SETTING_KEYS)[number];

/** Every setting that picks a server or causes (or enlarges) cluster traffic. */
export const RESTRICTED_SETTINGS: ReadonlySet<SettingKey> = new Set<SettingKey>([
  'kubeconfig',
  'namespaces',
  'inventory.mode',
  'inventory.podThreshold',
  'liveTokens.mode',
  'liveTokens.intervalSeconds',
  'liveTokens.concurrency',
  'logs.patterns',
  'logs.tailLines',
  'logs.sinceSeconds',
  'probe.requests',
  'probe.onStart',
  'scan.onStart',
  'requestTimeoutSeconds',
  'audit.paths',
  'audit.nodeReaderImage',
  'audit.nodeReaderNamespace',
  'metrics.intervalSeconds',
]);

/** What `WorkspaceConfiguration.inspect` answers, in the part we read. */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The value in force for `key`: in a trusted workspace, the workspace's over the user's over the default
 * (folder values are not read: settings are read without a resource); in an untrusted one, a restricted
 * key takes the user's value or the default.
 */
export function effectiveSetting<T>(key: SettingKey, inspected: InspectedSetting<T> | undefined, trusted: boolean): T | undefined {
  if (inspected === undefined) return undefined;
  if (!trusted && RESTRICTED_SETTINGS.has(key)) return inspected.globalValue ?? inspected.defaultValue;
  return inspected.workspaceValue ?? inspected.globalValue ?? inspected.defaultValue;
}
