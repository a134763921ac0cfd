// Every command id of the extension, in one map: the manifest contributes exactly these, the UI
// registers a handler for each (src/ui/commands/table.ts), and findings and the webview name them
// by these constants, never by a string literal.

export const COMMAND = {
  decodeToken: 'clusterCredentials.decodeToken',
  refresh: 'clusterCredentials.refresh',
  switchContext: 'clusterCredentials.switchContext',
  switchToContext: 'clusterCredentials.switchToContext',
  signIn: 'clusterCredentials.signIn',
  openKubeconfig: 'clusterCredentials.openKubeconfig',
  chooseKubeconfig: 'clusterCredentials.chooseKubeconfig',
  readLiveToken: 'clusterCredentials.readLiveToken',
  revealContext: 'clusterCredentials.revealContext',
  copyFingerprint: 'clusterCredentials.copyFingerprint',
  reloadCredentials: 'clusterCredentials.reloadCredentials',
  restartPod: 'clusterCredentials.restartPod',
  rolloutRestart: 'clusterCredentials.rolloutRestart',
  requestToken: 'clusterCredentials.requestToken',
  copyToken: 'clusterCredentials.copyToken',
  reviewToken: 'clusterCredentials.reviewToken',
  whoAmI: 'clusterCredentials.whoAmI',
  probeConcurrency: 'clusterCredentials.probeConcurrency',
  showTokenHealth: 'clusterCredentials.showTokenHealth',
  scanUnauthorized: 'clusterCredentials.scanUnauthorized',
  readNodeAudit: 'clusterCredentials.readNodeAudit',
  getStarted: 'clusterCredentials.getStarted',
  openSample: 'clusterCredentials.openSample',
} as const;

export type CommandName = keyof typeof COMMAND;
export type CommandId = (typeof COMMAND)[CommandName];

/**
 * Commands that run in the first bundle, without the cluster layer (src/extension.ts): decoding a token needs no
 * cluster, and neither does the walkthrough. Every other command loads the cluster layer on its first use.
 */
export const LIGHT_COMMANDS = ['decodeToken', 'getStarted', 'openSample'] as const satisfies readonly CommandName[];
export type LightCommandName = (typeof LIGHT_COMMANDS)[number];
export type ClusterCommandName = Exclude<CommandName, LightCommandName>;

/** The explorer view's id (its `focus` command is VS Code's own). */
export const EXPLORER_VIEW_ID = 'clusterCredentials.explorer';
/** VS Code's command that shows our activity bar container (`workbench.view.extension.<container id>`). */
export const SHOW_CONTAINER_COMMAND = 'workbench.view.extension.clusterCredentials';

/** `when`-clause context keys the extension sets. */
export const CONTEXT_KEY = {
  kubeconfigState: 'clusterCredentials.kubeconfigState',
  liveTokens: 'clusterCredentials.liveTokens',
  hasSession: 'clusterCredentials.hasSession',
  /** True once the cluster layer is loaded: until then whether there is a session is not known, and its commands show. */
  clusterLayer: 'clusterCredentials.clusterLayer',
} as const;
