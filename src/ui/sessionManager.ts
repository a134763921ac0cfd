// The session of the active kubeconfig context, kept in step with the files: our setting, then
// Kubernetes Tools' setting, then KUBECONFIG, then ~/.kube/config. An edit or a context switch made
// elsewhere (kubectl, another editor) shows within seconds; a token file named by the kubeconfig is
// watched too, so a rotated token is read as soon as it is written. An exec plugin's login is shown through
// the interaction (src/ui/execLogin.ts); a session opened again after an edit keeps a failed or cancelled
// login as "login needed" (the process's log of plugin runs holds it), so no edit opens a browser window.
import os from 'node:os';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { FileWatch } from '../cluster/auth/fileWatch';
import { loadKubeconfig, setCurrentContext, type KubeconfigLoad, type SetContextResult } from '../cluster/auth/kubeconfig';
import type { ApiClientsOptions } from '../cluster/auth/apiClient';
import type { CredentialProviderOptions } from '../cluster/auth/credentials';
import type { ExecInteraction } from '../cluster/auth/execInteraction';
import { openSession, openSessionFor, type ClusterSession, type SessionOpen } from '../cluster/auth/session';
import { isInsideAnyFolder } from '../cluster/auth/workspacePaths';
import type { SessionSource } from './services';
import type { Settings } from './settings';

export interface SessionManagerOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Shows an exec plugin's login (device code, browser) with Cancel; createExecLogin (src/ui/execLogin.ts) makes it. */
  interaction?: ExecInteraction;
}

export class SessionManager implements SessionSource, vscode.Disposable {
  private session: ClusterSession | undefined;
  private sessionKey: string | undefined;
  private loaded: KubeconfigLoad | undefined;
  private kubeconfigWatch: FileWatch | undefined;
  private tokenFileWatch: FileWatch | undefined;
  private watchedFiles = '';
  private lastProblem: string | undefined;
  private readonly emitter = new vscode.EventEmitter<ClusterSession | undefined>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly settings: Settings,
    private readonly log: vscode.LogOutputChannel,
    private readonly opts: SessionManagerOptions = {},
  ) {
    this.subscriptions.push(
      // A grant of workspace trust arrives here too, as a change of every restricted setting.
      settings.onDidChange((change) => {
        if (change.affects('kubeconfig', 'requestTimeoutSeconds')) this.reload();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('vs-kubernetes') || e.affectsConfiguration('http.proxy') || e.affectsConfiguration('http.noProxy')) this.reload();
      }),
      // Relative kubeconfig paths resolve against the first folder.
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reload()),
    );
    this.reload();
  }

  current(): ClusterSession | undefined {
    return this.session;
  }

  get problem(): string | undefined {
    return this.lastProblem;
  }

  /** The kubeconfig as last loaded: contexts to switch to, files, and why it failed. */
  get load(): KubeconfigLoad | undefined {
    return this.loaded;
  }

  /**
   * A session of its own for a named context of the kubeconfig in force, for a one-off check that must not touch the
   * active session (a probe at start). Its exec plugin is never run: only the active context's runs, or a user's
   * action. The caller disposes its clients.
   */
  openContext(context: string): SessionOpen {
    const load = this.loaded;
    if (load === undefined) return { ok: false, message: 'no kubeconfig is loaded' };
    const untrustedFile = this.untrustedWorkspaceFile(load.files);
    if (untrustedFile) return { ok: false, message: `the kubeconfig ${untrustedFile} is inside this workspace, which is not trusted` };
    return openSessionFor(load, context, { trustExecPlugins: false }, this.apiOptions());
  }

  /** Re-reads the kubeconfig files; a new session only when the context, its cluster or its user changed. */
  reload(): void {
    const load = loadKubeconfig({
      settingPath: this.settings.kubeconfigPath,
      vsKubernetesPath: this.settings.vsKubernetesKubeconfigPath,
      ...(this.settings.workspaceFolder !== undefined ? { workspaceFolder: this.settings.workspaceFolder } : {}),
      env: this.opts.env ?? process.env,
      home: this.opts.home ?? os.homedir(),
    });
    this.loaded = load;
    this.watchKubeconfig(load.files);
    // A new deadline or proxy needs new connections, so it is part of what makes a session.
    const key = load.ok ? sessionKeyOf(load, this.apiOptions()) : undefined;
    if (key !== undefined && key === this.sessionKey && this.session) {
      // Same context and credential: keep the session (and its lists), only redraw.
      this.emitter.fire(this.session);
      return;
    }
    const previous = this.session;
    const untrustedFile = this.untrustedWorkspaceFile(load.files);
    const opened: SessionOpen = untrustedFile
      ? {
          ok: false,
          message: l10n.t(
            'the kubeconfig {0} is inside this workspace, which is not trusted; trust the workspace (Manage Workspace Trust) to use it, or choose a kubeconfig outside it',
            untrustedFile,
          ),
        }
      : openSession(load, this.credentialOptions(), this.apiOptions());
    if (opened.ok) {
      this.session = opened.session;
      this.sessionKey = key;
      this.lastProblem = undefined;
      this.log.info(`Context ${opened.session.context} from ${load.files.join(', ')}.`);
    } else {
      this.session = undefined;
      this.sessionKey = undefined;
      this.lastProblem = opened.message;
      this.log.warn(opened.message);
    }
    this.watchTokenFile();
    if (previous) void previous.api.dispose();
    this.emitter.fire(this.session);
  }

  private credentialOptions(): CredentialProviderOptions {
    return { trustExecPlugins: true, ...(this.opts.interaction ? { interaction: this.opts.interaction } : {}) };
  }

  /** How the session's clients talk: our deadline, and VS Code's proxy when neither the kubeconfig nor the environment names one. */
  private apiOptions(): ApiClientsOptions {
    const http = vscode.workspace.getConfiguration('http');
    const proxy = http.get<string>('proxy', '').trim();
    const noProxy = http.get<unknown>('noProxy', []);
    return {
      userAgent: 'cluster-credentials-vscode',
      requestTimeoutSeconds: this.settings.requestTimeoutSeconds,
      ...(proxy !== '' ? { httpProxy: proxy } : {}),
      ...(Array.isArray(noProxy) ? { noProxy: noProxy.filter((h): h is string => typeof h === 'string') } : {}),
    };
  }

  /** Writes current-context the way `kubectl config use-context` does, then reloads. */
  switchContext(context: string): SetContextResult {
    const load = this.loaded;
    const known = load?.contexts ?? [];
    if (!load || !known.some((c) => c.name === context)) {
      return { ok: false, message: l10n.t('the kubeconfig has no context "{0}"; open or choose a kubeconfig that defines it', context) };
    }
    const file = load.ok ? load.currentContextFile : (load.files[0] ?? '');
    const result = setCurrentContext(file, context);
    if (result.ok) {
      this.log.info(`Switched to context ${context} in ${file}.`);
      this.reload();
    }
    return result;
  }

  dispose(): void {
    this.kubeconfigWatch?.dispose();
    this.tokenFileWatch?.dispose();
    for (const s of this.subscriptions) s.dispose();
    void this.session?.api.dispose();
    this.emitter.dispose();
  }

  private watchKubeconfig(files: readonly string[]): void {
    const key = files.join('\n');
    if (key === this.watchedFiles && this.kubeconfigWatch) return;
    this.kubeconfigWatch?.dispose();
    this.watchedFiles = key;
    this.kubeconfigWatch = new FileWatch(files, () => this.reload());
  }

  private watchTokenFile(): void {
    this.tokenFileWatch?.dispose();
    this.tokenFileWatch = undefined;
    const session = this.session;
    const file = session?.provider.describe().tokenFile;
    if (!session || !file) return;
    this.tokenFileWatch = new FileWatch([file], () => {
      void session.provider.reload().then((r) => {
        if (r.problem) this.log.warn(r.problem);
        else if (r.changed) this.log.info(`The token file ${file} was rotated; using the new token.`);
        if (this.session === session) this.emitter.fire(session);
      });
    });
  }

  /**
   * A kubeconfig inside an untrusted workspace opens no session: its token files, client keys and exec
   * plugins would be used against a server the workspace picked. Trusting the workspace reloads.
   */
  private untrustedWorkspaceFile(files: readonly string[]): string | undefined {
    if (vscode.workspace.isTrusted) return undefined;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((w) => w.uri.scheme === 'file').map((w) => w.uri.fsPath);
    return files.find((f) => isInsideAnyFolder(f, folders));
  }
}

/** What makes a session: the files, the current context, and that context's cluster and user entries. */
function sessionKeyOf(load: Extract<KubeconfigLoad, { ok: true }>, api: ApiClientsOptions): string | undefined {
  const name = load.currentContext;
  if (name === undefined) return undefined;
  const ctx = load.kc.getContextObject(name);
  if (!ctx) return undefined;
  return JSON.stringify([
    load.files,
    name,
    ctx,
    load.kc.getCluster(ctx.cluster),
    load.kc.getUser(ctx.user),
    api.requestTimeoutSeconds,
    api.httpProxy,
    api.noProxy,
  ]);
}
