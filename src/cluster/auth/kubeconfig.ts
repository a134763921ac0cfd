// Loads the kubeconfig in force (merged as kubectl merges it) and switches its current context the way kubectl does.
import { KubeConfig } from '@kubernetes/client-node';
import { isMap, parseDocument, stringify } from 'yaml';
import {
  type KubeconfigFileData,
  type KubeconfigFileOptions,
  type KubeconfigOrigin,
  type NamedEntry,
  isRecord,
  readKubeconfigFile,
  resolveKubeconfigFiles,
} from './kubeconfigFiles';
import { type FileEdit, type FileWriteOptions, editKubeconfigFile } from './kubeconfigWrite';

export { resolveKubeconfigFiles, type KubeconfigOrigin, type KubeconfigSource } from './kubeconfigFiles';

export interface ContextSummary {
  name: string;
  cluster: string;
  /** Absent when the context names a cluster that no file defines. */
  server?: string;
  user: string;
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

const SETTING_NAMES: Record<KubeconfigOrigin, string> = {
  setting: 'clusterCredentials.kubeconfig',
  vsKubernetes: 'vs-kubernetes.kubeconfig',
  KUBECONFIG: 'KUBECONFIG',
  default: 'the default location',
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
      return fail('noKubeconfig', `the kubeconfig set in ${SETTING_NAMES[origin]}, ${file}, does not exist; fix the setting or clear it to use KUBECONFIG or ~/.kube/config`);
    }
    // A missing file listed in KUBECONFIG is skipped, as kubectl skips it.
  }
  if (loaded.length === 0) {
    return origin === 'KUBECONFIG'
      ? fail('noKubeconfig', `none of the files in KUBECONFIG exist (${files.join(', ')}); fix KUBECONFIG or set clusterCredentials.kubeconfig to a kubeconfig file`)
      : fail('noKubeconfig', `there is no kubeconfig at ${files[0]}; create one (for example with your cloud CLI) or set clusterCredentials.kubeconfig to its path`);
  }

  const merged = mergeFiles(loaded);
  const kc = new KubeConfig();
  try {
    kc.loadFromString(
      JSON.stringify({
        clusters: merged.clusters.map((e) => e.entry),
        users: merged.users.map((e) => withTokenFileProvider(e.entry)),
        contexts: merged.contexts.map((e) => e.entry),
        'current-context': merged.currentContext,
      }),
      { onInvalidEntry: 'filter' },
    );
  } catch (err) {
    return fail('invalid', `${describeFiles(loaded, origin)} could not be loaded (${err instanceof Error ? err.message : String(err)}); fix the kubeconfig or choose another one`);
  }

  const contextFiles = new Map(merged.contexts.map((c) => [c.entry.name, c.file]));
  const contexts: ContextSummary[] = kc.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    server: kc.getCluster(c.cluster)?.server,
    user: c.user,
    namespace: c.namespace,
    file: contextFiles.get(c.name) ?? loaded[0].file,
  }));
  const where = describeFiles(loaded, origin);
  const current = merged.currentContext;
  if (contexts.length === 0) {
    return fail('noContext', `${where} defines no contexts; add one (for example with your cloud CLI's update-kubeconfig command) or choose another kubeconfig`);
  }
  if (current === undefined) {
    return fail('noContext', `${where} sets no current context; pick a context in Cluster Credentials or run kubectl config use-context <name>`, contexts);
  }
  const active = contexts.find((c) => c.name === current);
  if (!active) {
    return fail('noContext', `the current context "${current}" is not defined in ${where}; pick another context or fix current-context`, contexts);
  }
  if (active.server === undefined) {
    return fail('invalid', `context "${current}" uses cluster "${active.cluster}", which ${where} does not define with a server; fix the kubeconfig or pick another context`);
  }
  return { ok: true, files, origin, kc, currentContext: current, contexts, currentContextFile: chooseCurrentContextFile(files, loaded, origin) };
}

interface Sourced {
  entry: NamedEntry;
  file: string;
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
 * client-node reads a `token-file` once, at load time, and throws when it is missing. We hand it over as
 * client-node's own `tokenFile` auth-provider shape instead, so the file is read (and re-read) by our provider.
 */
function withTokenFileProvider(entry: NamedEntry): NamedEntry {
  const user = entry.user;
  if (!isRecord(user) || typeof user['token-file'] !== 'string') return entry;
  const { 'token-file': tokenFile, ...rest } = user;
  if (rest['auth-provider'] !== undefined || rest.exec !== undefined) return { ...entry, user: rest };
  return { ...entry, user: { ...rest, 'auth-provider': { name: 'tokenFile', config: { tokenFile } } } };
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
  return `the files in ${SETTING_NAMES[origin]} (${loaded.map((f) => f.file).join(', ')})`;
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
    return { ok: false, message: `${file} is not valid YAML, so its current context was left unchanged; fix the file first` };
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
    return { ok: false, message: `${file} is not a kubeconfig (its top level is not a map), so its current context was left unchanged` };
  }
  return { ok: true, text: next };
}
