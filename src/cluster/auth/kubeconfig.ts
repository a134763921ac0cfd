// Loads the kubeconfig in force (merged as kubectl merges it) and switches its current context the way kubectl does.
import * as l10n from '@vscode/l10n';
import { KubeConfig } from '@kubernetes/client-node';
import { isMap, parseDocument, stringify } from 'yaml';
import {
  type KubeconfigFileData,
  type KubeconfigFileOptions,
  type KubeconfigOrigin,
  type NamedEntry,
  readKubeconfigFile,
  resolveKubeconfigFiles,
} from './kubeconfigFiles';
import { noteIgnoredTokenFileKey } from './credentialDescription';
import { attachImpersonation, impersonationOf } from './impersonation';
import { attachKubectlRefusal, kubectlRefusal } from './kubeconfigValidation';
import { type FileEdit, type FileWriteOptions, editKubeconfigFile } from './kubeconfigWrite';
import { errorMessage, isRecord } from '../../shared/values';

export { resolveKubeconfigFiles, type KubeconfigOrigin, type KubeconfigSource } from './kubeconfigFiles';

export interface ContextSummary {
  name: string;
  cluster: string;
  /** Absent when the context names a cluster that no file defines. */
  server?: string;
  /** Absent for a context with no user (requests go anonymous). */
  user?: string;
  namespace?: string;
  /** The file that defines this context. */
  file: string;
}

export type KubeconfigProblem = 'noKubeconfig' | 'unreadable' | 'invalid' | 'noContext';

export type KubeconfigLoad =
  | {
      ok: true;
      files: string[];
      origin: KubeconfigOrigin;
      kc: KubeConfig;
      currentContext?: string;
      contexts: ContextSummary[];
      /** The file `kubectl config use-context` would write `current-context` to. */
      currentContextFile: string;
      /** Every user of the merged files as written (the first file to define a name wins): the Contexts list describes them offline. */
      users: ReadonlyMap<string, NamedEntry>;
      /** A KubeConfig for any context of the merged files (`kc` for the current one), or why it cannot be had. */
      kubeConfigFor(context: string): KubeConfig | string;
    }
  | {
      ok: false;
      problem: KubeconfigProblem;
      files: string[];
      origin: KubeconfigOrigin;
      /** A sentence with the next step. */
      message: string;
      /** For `noContext`: the contexts one could switch to. */
      contexts?: ContextSummary[];
    };

export type KubeconfigLoadOptions = KubeconfigFileOptions;

const SETTING_NAMES: Record<Exclude<KubeconfigOrigin, 'default'>, string> = {
  setting: 'clusterCredentials.kubeconfig',
  vsKubernetes: 'vs-kubernetes.kubeconfig',
  KUBECONFIG: 'KUBECONFIG',
};

/** Never throws: a missing, unreadable or broken kubeconfig comes back as a problem with a sentence. */
export function loadKubeconfig(opts: KubeconfigLoadOptions): KubeconfigLoad {
  const { origin, files } = resolveKubeconfigFiles(opts);
  const fail = (problem: KubeconfigProblem, message: string, contexts?: ContextSummary[]): KubeconfigLoad =>
    contexts ? { ok: false, problem, files, origin, message, contexts } : { ok: false, problem, files, origin, message };

  const loaded: KubeconfigFileData[] = [];
  for (const file of files) {
    const read = readKubeconfigFile(file);
    if (read.ok) {
      loaded.push(read.data);
    } else if (read.problem !== 'missing') {
      return fail(read.problem, read.message);
    } else if (origin === 'setting' || origin === 'vsKubernetes') {
      return fail(
        'noKubeconfig',
        l10n.t('the kubeconfig set in {0}, {1}, does not exist; fix the setting or clear it to use KUBECONFIG or ~/.kube/config', SETTING_NAMES[origin], file),
      );
    }
    // A missing file listed in KUBECONFIG is skipped, as kubectl skips it.
  }
  if (loaded.length === 0) {
    return origin === 'KUBECONFIG'
      ? fail(
          'noKubeconfig',
          l10n.t('none of the files in KUBECONFIG exist ({0}); fix KUBECONFIG or set clusterCredentials.kubeconfig to a kubeconfig file', files.join(', ')),
        )
      : fail(
          'noKubeconfig',
          l10n.t('there is no kubeconfig at {0}; create one (for example with your cloud CLI) or set clusterCredentials.kubeconfig to its path', files[0]),
        );
  }

  const merged = mergeFiles(loaded);
  // Summaries from the merged entries with maps: a kubeconfig of 10,000 contexts must not cost 10,000 linear look-ups.
  const clusterByName = new Map(merged.clusters.map((c) => [c.entry.name, c.entry]));
  const contexts: ContextSummary[] = [];
  for (const c of merged.contexts) {
    const summary = contextSummaryOf(c, clusterByName);
    if (summary) contexts.push(summary);
  }
  // The session needs only the current context's entries: client-node gets those, not the whole file.
  const current = merged.currentContext;
  const built = kubeConfigOf(merged, current);
  if (!built.ok) {
    return fail('invalid', l10n.t('{0} could not be loaded ({1}); fix the kubeconfig or choose another one', describeFiles(loaded, origin), built.message));
  }
  const { kc } = built;

  const where = describeFiles(loaded, origin);
  if (contexts.length === 0) {
    return fail(
      'noContext',
      l10n.t("{0} defines no contexts; add one (for example with your cloud CLI's update-kubeconfig command) or choose another kubeconfig", where),
    );
  }
  if (current === undefined) {
    return fail(
      'noContext',
      l10n.t('{0} sets no current context; pick a context in Cluster Credentials or run kubectl config use-context <name>', where),
      contexts,
    );
  }
  const summary = contexts.find((c) => c.name === current);
  if (!summary) {
    return fail('noContext', l10n.t('the current context "{0}" is not defined in {1}; pick another context or fix current-context', current, where), contexts);
  }
  if (summary.server === undefined) {
    return fail(
      'invalid',
      l10n.t(
        'context "{0}" uses cluster "{1}", which {2} does not define with a server; fix the kubeconfig or pick another context',
        current,
        summary.cluster,
        where,
      ),
    );
  }
  const users = new Map(merged.users.map((u) => [u.entry.name, u.entry]));
  return {
    ok: true,
    files,
    origin,
    kc,
    currentContext: current,
    contexts,
    currentContextFile: chooseCurrentContextFile(files, loaded, origin),
    users,
    kubeConfigFor: (context) => {
      if (context === current) return kc;
      const other = kubeConfigOf(merged, context);
      return other.ok ? other.kc : l10n.t('{0} could not be loaded for context "{1}" ({2})', where, context, other.message);
    },
  };
}

/**
 * A KubeConfig holding one context of the merged files and only its cluster and user, as kubectl would read them
 * (client-node gets those, not the whole file): what client-node drops but kubectl acts on rides on its objects.
 */
function kubeConfigOf(merged: ReturnType<typeof mergeFiles>, context: string | undefined): { ok: true; kc: KubeConfig } | { ok: false; message: string } {
  const active = context === undefined ? undefined : merged.contexts.find((c) => c.entry.name === context)?.entry;
  const activeContext = active && isRecord(active.context) ? active.context : undefined;
  const kc = new KubeConfig();
  const activeUsers = merged.users.filter((e) => e.entry.name === activeContext?.user);
  const activeClusters = merged.clusters.filter((e) => e.entry.name === activeContext?.cluster);
  for (const u of activeUsers) {
    if (isRecord(u.entry.user) && u.entry.user['token-file'] !== undefined) noteIgnoredTokenFileKey(kc, u.entry.name);
  }
  const activeCluster = activeClusters[0]?.entry;
  const activeUser = activeUsers[0]?.entry;
  const rawUser = activeUser && isRecord(activeUser.user) ? activeUser.user : undefined;
  const refusal = activeCluster
    ? kubectlRefusal(activeCluster.name, isRecord(activeCluster.cluster) ? activeCluster.cluster : undefined, activeUser?.name, rawUser)
    : undefined;
  try {
    kc.loadFromString(
      JSON.stringify({
        clusters: activeClusters.map((e) => e.entry),
        users: activeUsers.map((e) => effectiveUser(e.entry)),
        contexts: active ? [active] : [],
        'current-context': context,
      }),
      { onInvalidEntry: 'filter' },
    );
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
  const impersonation = rawUser ? impersonationOf(rawUser) : undefined;
  const loadedUser = activeUser ? kc.getUser(activeUser.name) : null;
  if (impersonation && loadedUser) attachImpersonation(loadedUser, impersonation);
  const loadedCluster = activeCluster ? kc.getCluster(activeCluster.name) : null;
  if (refusal !== undefined && loadedCluster) {
    // kubectl's own words stay as kubectl says them (in English); only the sentence around them is translated.
    attachKubectlRefusal(loadedCluster, l10n.t('kubectl refuses context "{0}": {1}; fix the kubeconfig or pick another context', context ?? '', refusal));
  }
  return { ok: true, kc };
}

interface Sourced {
  entry: NamedEntry;
  file: string;
}

/** A context as client-node keeps it (a context without a cluster is dropped), with its cluster's server. */
function contextSummaryOf(c: Sourced, clusterByName: ReadonlyMap<string, NamedEntry>): ContextSummary | undefined {
  const ctx = isRecord(c.entry.context) ? c.entry.context : undefined;
  const cluster = typeof ctx?.cluster === 'string' && ctx.cluster !== '' ? ctx.cluster : undefined;
  if (ctx === undefined || cluster === undefined) return undefined;
  const raw = clusterByName.get(cluster)?.cluster;
  const server = isRecord(raw) && typeof raw.server === 'string' && raw.server !== '' ? raw.server : undefined;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const user = text(ctx.user);
  const namespace = text(ctx.namespace);
  return {
    name: c.entry.name,
    cluster,
    ...(server !== undefined ? { server } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    file: c.file,
  };
}

/** kubectl's merge: the first file to define a name wins, and current-context comes from the first file that sets one. */
function mergeFiles(files: KubeconfigFileData[]): { clusters: Sourced[]; users: Sourced[]; contexts: Sourced[]; currentContext?: string } {
  const pick = (key: 'clusters' | 'users' | 'contexts'): Sourced[] => {
    const seen = new Map<string, Sourced>();
    for (const f of files) {
      for (const entry of f[key]) if (!seen.has(entry.name)) seen.set(entry.name, { entry, file: f.file });
    }
    return [...seen.values()];
  };
  return {
    clusters: pick('clusters'),
    users: pick('users'),
    contexts: pick('contexts'),
    currentContext: files.find((f) => f.currentContext !== undefined)?.currentContext,
  };
}

/**
 * The user as kubectl uses it. kubectl reads `tokenFile` and ignores `token-file`, which client-node reads once at
 * load time (and throws on when missing): `tokenFile` goes to client-node as its own `tokenFile` auth-provider
 * shape, so our provider reads and re-reads it, and an inline `token` stays as client-go's fallback. A token (inline
 * or file) or a user name goes first: client-go then never runs the exec plugin and the auth-provider adds nothing
 * (the request already has its Authorization); a client certificate also keeps the exec plugin from running.
 */
function effectiveUser(entry: NamedEntry): NamedEntry {
  const user = entry.user;
  if (!isRecord(user)) return entry;
  const { 'token-file': _ignored, tokenFile, ...rest } = user;
  const file = typeof tokenFile === 'string' && tokenFile !== '' ? tokenFile : undefined;
  const filled = (v: unknown): boolean => typeof v === 'string' && v !== '';
  if (file !== undefined || filled(rest.token) || filled(rest.username)) {
    delete rest.exec;
    delete rest['auth-provider'];
  } else if (filled(rest['client-certificate']) || filled(rest['client-certificate-data'])) {
    delete rest.exec;
  }
  if (file !== undefined) rest['auth-provider'] = { name: 'tokenFile', config: { tokenFile: file } };
  return { ...entry, user: rest };
}

/** client-go's rule: the first file (in order) that already sets current-context, else its default file. */
function chooseCurrentContextFile(files: string[], loaded: KubeconfigFileData[], origin: KubeconfigOrigin): string {
  const setting = loaded.find((f) => f.currentContext !== undefined);
  if (setting) return setting.file;
  if (origin === 'KUBECONFIG' && files.length > 1) {
    return loaded[0]?.file ?? files[files.length - 1];
  }
  return files[0];
}

function describeFiles(loaded: KubeconfigFileData[], origin: KubeconfigOrigin): string {
  if (loaded.length === 1) return loaded[0].file;
  const files = loaded.map((f) => f.file).join(', ');
  return origin === 'default' ? l10n.t('the files in the default location ({0})', files) : l10n.t('the files in {0} ({1})', SETTING_NAMES[origin], files);
}

export type SetContextResult = { ok: true } | { ok: false; message: string };

/**
 * Rewrites only the `current-context` value of `file`, like `kubectl config use-context`; every other byte of the
 * file (comments, order, indentation) stays as it was. Written under kubectl's lock and replaced as a whole.
 */
export function setCurrentContext(file: string, context: string, opts: FileWriteOptions = {}): SetContextResult {
  return editKubeconfigFile(file, (text) => withCurrentContext(file, text ?? 'apiVersion: v1\nkind: Config\n', context), opts);
}

function withCurrentContext(file: string, text: string, context: string): FileEdit {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    return { ok: false, message: l10n.t('{0} is not valid YAML, so its current context was left unchanged; fix the file first', file) };
  }
  // YAML 1.1 rendering quotes names like "yes" or "on" that Go's YAML reader would take for booleans.
  const rendered = stringify(context, { version: '1.1', lineWidth: 0 }).trimEnd();
  let next: string;
  const node = doc.get('current-context', true);
  if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
    const [start, end] = node.range as [number, number, number];
    next = start === end ? `${text.slice(0, start)} ${rendered}${text.slice(end)}` : `${text.slice(0, start)}${rendered}${text.slice(end)}`;
  } else if (isMap(doc.contents) && !doc.contents.flow) {
    // Appending keeps every other byte; re-serialising the document would re-indent the whole file.
    next = `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}current-context: ${rendered}\n`;
  } else if (doc.contents === null || isRecord(doc.toJS())) {
    doc.set('current-context', context);
    next = doc.toString();
  } else {
    return { ok: false, message: l10n.t('{0} is not a kubeconfig (its top level is not a map), so its current context was left unchanged', file) };
  }
  return { ok: true, text: next };
}
