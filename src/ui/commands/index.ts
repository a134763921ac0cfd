// Registers the commands that fix and probe: reload, restart, rollout restart, request/copy/review token,
// who am I, concurrency probe. Each takes a NodeRef (or a tree element with `.ref`) or asks.
import * as vscode from 'vscode';
import type { DecodedDocuments } from '../decodeCommand';
import { registerGuardedCommand } from '../guardedCommand';
import type { Services } from '../services';
import { type CommandContext, createCommandContext } from './context';
import { probeConcurrencyCommand } from './probeConcurrency';
import { reloadCredentials } from './reloadCredentials';
import { copyTokenCommand, requestTokenCommand } from './requestToken';
import { restartPodCommand } from './restartPod';
import { reviewTokenCommand } from './reviewToken';
import { rolloutRestartCommand } from './rolloutRestart';
import { whoAmICommand } from './whoAmI';

const COMMANDS: Record<string, (cc: CommandContext, arg?: unknown) => Promise<unknown>> = {
  'clusterCredentials.reloadCredentials': reloadCredentials,
  'clusterCredentials.restartPod': restartPodCommand,
  'clusterCredentials.rolloutRestart': rolloutRestartCommand,
  'clusterCredentials.requestToken': requestTokenCommand,
  'clusterCredentials.copyToken': copyTokenCommand,
  'clusterCredentials.reviewToken': reviewTokenCommand,
  'clusterCredentials.whoAmI': whoAmICommand,
  'clusterCredentials.probeConcurrency': probeConcurrencyCommand,
};

/** `onRun`: a command that talks to the cluster ran (the diagnosis starts on first use, not at activation). */
export function registerCommands(services: Services, documents: DecodedDocuments, onRun: () => void = () => undefined): vscode.Disposable {
  const cc = createCommandContext(services, documents);
  const disposables = Object.entries(COMMANDS).map(([id, run]) =>
    registerGuardedCommand(id, services.log, (arg) => {
      onRun();
      return run(cc, arg);
    }),
  );
  // Palette entries that need a cluster show only while there is one.
  const hasSession = (): void => void vscode.commands.executeCommand('setContext', 'clusterCredentials.hasSession', services.sessions.current() !== undefined);
  hasSession();
  const sessionChange = services.sessions.onDidChange(hasSession);
  return vscode.Disposable.from(...disposables, sessionChange, { dispose: () => cc.vault.clear() });
}
