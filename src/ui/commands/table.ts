// Every command of the cluster layer in one table (name → handler). The table is a Record over COMMAND's names
// but the light ones (src/ui/commands/lightCommands.ts), so a command the manifest contributes cannot be left
// without a handler; src/extension.ts registers every id, behind the error guard, and sends these here.
import { signInCommand } from './signIn';
import * as vscode from 'vscode';
import { CONTEXT_KEY, type ClusterCommandName } from '../../shared/commandIds';
import type { DecodedDocuments } from '../decodeCommand';
import { chooseKubeconfig, copyFingerprint, openKubeconfig, readLiveToken, refreshExplorer, revealContext, switchContext } from '../explorer/explorerCommands';
import type { ExplorerTree } from '../explorer/explorerTree';
import { scanUnauthorizedCommand, type FindingsService } from '../findingsService';
import type { Services } from '../services';
import type { SessionManager } from '../sessionManager';
import { showTokenHealth, type TokenHealthPanels } from '../tokenHealth/register';
import { createCommandContext, type CommandContext } from './context';
import { probeConcurrencyCommand } from './probeConcurrency';
import { readNodeAuditCommand } from './readNodeAudit';
import { reloadCredentials } from './reloadCredentials';
import { copyTokenCommand, requestTokenCommand } from './requestToken';
import { restartPodCommand } from './restartPod';
import { reviewTokenCommand } from './reviewToken';
import { rolloutRestartCommand } from './rolloutRestart';
import { whoAmICommand } from './whoAmI';

export interface CommandEntry {
  run(arg?: unknown): unknown;
  /** Talks to the cluster: its first use starts the diagnosis (which never starts at activation alone). */
  cluster?: boolean;
}

export type CommandTable = Record<ClusterCommandName, CommandEntry>;

export interface CommandDeps {
  services: Services;
  sessions: SessionManager;
  tree: ExplorerTree;
  decoded: DecodedDocuments;
  tokenHealth: TokenHealthPanels;
  diagnosis: FindingsService;
}

/** The table, and what its handlers share for the window's lifetime (held tokens are dropped on dispose). */
export function commandTable(d: CommandDeps): { table: CommandTable; cc: CommandContext; dispose(): void } {
  const { services, sessions, tree } = d;
  const { log } = services;
  const cc = createCommandContext(services, d.decoded);
  // Token Health judges a requested token while the vault holds it.
  d.tokenHealth.useHeldTokens((fingerprint) => cc.vault.token(fingerprint));
  const table: CommandTable = {
    refresh: { run: (arg) => refreshExplorer(tree, sessions, arg) },
    switchContext: { run: (arg) => switchContext(sessions, arg) },
    switchToContext: { run: (arg) => switchContext(sessions, arg) },
    openKubeconfig: { run: () => openKubeconfig(sessions) },
    chooseKubeconfig: { run: () => chooseKubeconfig() },
    readLiveToken: { run: (arg) => readLiveToken(tree, arg, log) },
    revealContext: { run: () => revealContext(tree, sessions) },
    signIn: { cluster: true, run: (arg) => signInCommand(services, arg) },
    copyFingerprint: { run: (arg) => copyFingerprint(tree, sessions, arg) },
    reloadCredentials: { cluster: true, run: (arg) => reloadCredentials(cc, arg) },
    restartPod: { cluster: true, run: (arg) => restartPodCommand(cc, arg) },
    rolloutRestart: { cluster: true, run: (arg) => rolloutRestartCommand(cc, arg) },
    requestToken: { cluster: true, run: (arg) => requestTokenCommand(cc, arg) },
    copyToken: { cluster: true, run: (arg) => copyTokenCommand(cc, arg) },
    reviewToken: { cluster: true, run: (arg) => reviewTokenCommand(cc, arg) },
    whoAmI: { cluster: true, run: (arg) => whoAmICommand(cc, arg) },
    probeConcurrency: { cluster: true, run: (arg) => probeConcurrencyCommand(cc, arg) },
    showTokenHealth: { run: (arg) => showTokenHealth(services, d.tokenHealth, arg) },
    scanUnauthorized: { cluster: true, run: (arg) => scanUnauthorizedCommand(services, d.diagnosis, arg) },
    readNodeAudit: { cluster: true, run: (arg) => readNodeAuditCommand(cc, arg) },
  };
  return { table, cc, dispose: () => cc.vault.clear() };
}

/** Runs a command of the table; a cluster command first starts the diagnosis (`onClusterUse`). */
export function runCommand(table: CommandTable, name: ClusterCommandName, arg: unknown, onClusterUse: () => void): unknown {
  const entry = table[name];
  if (entry.cluster === true) onClusterUse();
  return entry.run(arg);
}

/** Palette entries that need a cluster show only while there is one. */
export function trackSessionContextKey(services: Services): vscode.Disposable {
  const set = (): void => void vscode.commands.executeCommand('setContext', CONTEXT_KEY.hasSession, services.sessions.current() !== undefined);
  set();
  void vscode.commands.executeCommand('setContext', CONTEXT_KEY.clusterLayer, true);
  return services.sessions.onDidChange(set);
}
