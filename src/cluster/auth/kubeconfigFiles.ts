// Which kubeconfig files are in force, and how one file is read: the same precedence and path rules as kubectl.
import * as l10n from '@vscode/l10n';
import fs from 'node:fs';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { parseDocument } from 'yaml';
import { expandSettingPath } from './workspacePaths';
import { errorMessage, isRecord } from '../../shared/values';

export type KubeconfigOrigin = 'setting' | 'vsKubernetes' | 'KUBECONFIG' | 'default';

export interface KubeconfigSource {
  origin: KubeconfigOrigin;
  files: string[];
}

export interface KubeconfigFileOptions {
  /** Our `clusterCredentials.kubeconfig` setting. */
  settingPath?: string;
  /** Kubernetes Tools' `vs-kubernetes.kubeconfig` setting. */
  vsKubernetesPath?: string;
  env: NodeJS.ProcessEnv;
  home: string;
  /** The first workspace folder: the settings' relative paths and `${workspaceFolder}` resolve against it. */
  workspaceFolder?: string;
  /** Separator of KUBECONFIG entries; the platform's by default. */
  delimiter?: string;
}

/** Setting, then Kubernetes Tools' setting, then KUBECONFIG (deduplicated, empty entries dropped), then ~/.kube/config. */
export function resolveKubeconfigFiles(opts: KubeconfigFileOptions): KubeconfigSource {
  const pathOpts = { home: opts.home, ...(opts.workspaceFolder !== undefined ? { workspaceFolder: opts.workspaceFolder } : {}) };
  const setting = opts.settingPath?.trim();
  if (setting) return { origin: 'setting', files: [expandSettingPath(setting, pathOpts)] };
  const vsk = opts.vsKubernetesPath?.trim();
  if (vsk) return { origin: 'vsKubernetes', files: [expandSettingPath(vsk, pathOpts)] };
  const env = opts.env.KUBECONFIG;
  if (env && env.length > 0) {
    const seen = new Set<string>();
    const files: string[] = [];
    for (const entry of env.split(opts.delimiter ?? path.delimiter)) {
      if (entry && !seen.has(entry)) {
        seen.add(entry);
        files.push(entry);
      }
    }
    if (files.length > 0) return { origin: 'KUBECONFIG', files };
  }
  return { origin: 'default', files: [path.join(opts.home, '.kube', 'config')] };
}

/** A named entry of `clusters`, `users` or `contexts`, as plain data. */
export interface NamedEntry {
  name: string;
  [key: string]: unknown;
}

export interface KubeconfigFileData {
  file: string;
  currentContext?: string;
  clusters: NamedEntry[];
  users: NamedEntry[];
  contexts: NamedEntry[];
}

export type KubeconfigFileRead = { ok: true; data: KubeconfigFileData } | { ok: false; problem: 'missing' | 'unreadable' | 'invalid'; message: string };

/** Reads and parses one kubeconfig, with relative paths made absolute against its folder (as client-go does). */
export function readKubeconfigFile(file: string): KubeconfigFileRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT') return { ok: false, problem: 'missing', message: l10n.t('{0} does not exist', file) };
    return {
      ok: false,
      problem: 'unreadable',
      message: l10n.t('cannot read {0} ({1}); check that it is a file you are allowed to read', file, code ?? l10n.t('unknown error')),
    };
  }
  const root = parseKubeconfigYaml(file, text);
  if (!root.ok) return root;
  if (root.value === null || root.value === undefined) {
    // kubectl treats an empty file as an empty config.
    return { ok: true, data: { file, clusters: [], users: [], contexts: [] } };
  }
  const doc = root.value;
  if (!isRecord(doc)) {
    return {
      ok: false,
      problem: 'invalid',
      message: l10n.t('{0} is not a kubeconfig: its top level is not a map of keys; fix the file or choose another kubeconfig', file),
    };
  }
  const dir = path.dirname(path.resolve(file));
  const sections: Record<'clusters' | 'users' | 'contexts', NamedEntry[]> = { clusters: [], users: [], contexts: [] };
  for (const key of ['clusters', 'users', 'contexts'] as const) {
    const list = doc[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      return {
        ok: false,
        problem: 'invalid',
        message: l10n.t('{0} is not a valid kubeconfig: "{1}" is not a list; fix the file or choose another kubeconfig', file, key),
      };
    }
    for (const item of list) {
      if (isRecord(item) && typeof item.name === 'string' && item.name !== '') {
        sections[key].push(resolvePaths(key, { ...item, name: item.name }, dir));
      }
    }
  }
  const cc = doc['current-context'];
  return {
    ok: true,
    data: { file, currentContext: typeof cc === 'string' && cc !== '' ? cc : undefined, ...sections },
  };
}

/**
 * The file's YAML as plain values. js-yaml (core schema, as kubectl's YAML reader has no timestamps or merge
 * keys) reads a 10,000-context kubeconfig in a fraction of yaml's time; yaml reads the files js-yaml refuses
 * (aliases among them, which only yaml expands under a cap) and says where a broken file breaks.
 */
function parseKubeconfigYaml(file: string, text: string): { ok: true; value: unknown } | { ok: false; problem: 'invalid'; message: string } {
  try {
    return { ok: true, value: loadYaml(text, { maxAliases: 0 }) };
  } catch {
    // Fall through to the parser that says where the problem is.
  }
  const doc = parseDocument(text);
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    // The YAML parser's own words, in English.
    const what = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const message = pos
      ? l10n.t('{0} is not valid YAML at line {1}, column {2} ({3}); fix that line or choose another kubeconfig', file, pos.line, pos.col, what)
      : l10n.t('{0} is not valid YAML ({1}); fix that line or choose another kubeconfig', file, what);
    return { ok: false, problem: 'invalid', message };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (err) {
    return {
      ok: false,
      problem: 'invalid',
      message: l10n.t('{0} cannot be read as YAML ({1}); fix the file or choose another kubeconfig', file, errorMessage(err)),
    };
  }
}

/** Only these fields hold paths; an exec command is a path only when it contains a separator (else it is looked up on PATH). */
function resolvePaths(section: 'clusters' | 'users' | 'contexts', entry: NamedEntry, dir: string): NamedEntry {
  const abs = (p: unknown): unknown => (typeof p === 'string' && p !== '' && !path.isAbsolute(p) ? path.join(dir, p) : p);
  if (section === 'clusters' && isRecord(entry.cluster)) {
    const cluster = { ...entry.cluster };
    cluster['certificate-authority'] = abs(cluster['certificate-authority']);
    return { ...entry, cluster: dropUndefined(cluster) };
  }
  if (section === 'users' && isRecord(entry.user)) {
    const user = { ...entry.user };
    // client-go's ResolvePaths lists TokenFile (`tokenFile`); `token-file` is not a kubeconfig field.
    for (const key of ['client-certificate', 'client-key', 'tokenFile']) user[key] = abs(user[key]);
    if (isRecord(user.exec) && typeof user.exec.command === 'string' && /[\\/]/.test(user.exec.command)) {
      user.exec = { ...user.exec, command: abs(user.exec.command) };
    }
    return { ...entry, user: dropUndefined(user) };
  }
  return entry;
}

function dropUndefined(rec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(rec).filter(([, v]) => v !== undefined));
}

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : undefined;
}
