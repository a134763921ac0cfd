// The few commands a test-cluster container can run over exec: `cat` and `tail -c` of the files a
// pod's projected volumes hold (the token file is the kubelet's current one) or its hostPath volumes
// show of the node, `ls`, `echo`, and `sh -c` around them. Anything else fails the way a shell in
// the container would.

import type { ExecOutcome } from './execProtocol';
import type { NodeFiles } from './nodeFiles';
import type { Pod } from './types';

export interface PodFiles {
  /** Content of a file at an absolute path in the container, or undefined when there is none. */
  read(path: string): string | undefined;
  /** Names in a directory, or undefined when it does not exist. */
  list(dir: string): string[] | undefined;
}

/** The files the kube-api-access and other projected volumes put in a container. */
export function projectedFiles(pod: Pod, containerName: string, sources: { caPem: string; token: (path: string) => string | undefined }): PodFiles {
  const files = new Map<string, () => string | undefined>();
  const container = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === containerName);
  for (const mount of container?.volumeMounts ?? []) {
    const volume = (pod.spec.volumes ?? []).find((v) => v.name === mount.name);
    const dir = mount.mountPath.replace(/\/$/, '');
    for (const s of volume?.projected?.sources ?? []) {
      if (s.serviceAccountToken !== undefined) {
        const path = `${dir}/${s.serviceAccountToken.path}`;
        files.set(path, () => sources.token(path));
      }
      const cm = s.configMap as { name?: string; items?: { key: string; path: string }[] } | undefined;
      if (cm?.name === 'kube-root-ca.crt') for (const item of cm.items ?? []) files.set(`${dir}/${item.path}`, () => sources.caPem);
      const downward = s.downwardAPI as { items?: { path: string; fieldRef?: { fieldPath?: string } }[] } | undefined;
      for (const item of downward?.items ?? []) {
        if (item.fieldRef?.fieldPath === 'metadata.namespace') files.set(`${dir}/${item.path}`, () => pod.metadata.namespace ?? '');
        if (item.fieldRef?.fieldPath === 'metadata.name') files.set(`${dir}/${item.path}`, () => pod.metadata.name);
      }
    }
  }
  files.set('/etc/hostname', () => `${pod.metadata.name}\n`);
  return {
    read: (path) => files.get(normalise(path))?.(),
    list: (dir) => {
      const prefix = `${normalise(dir).replace(/\/$/, '')}/`;
      const names = [...files.keys()].filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length).split('/')[0] ?? '');
      return names.length === 0 ? undefined : [...new Set(names)].sort();
    },
  };
}

/** What the pod's hostPath volumes show of its node's files, at the paths the container mounts them. */
export function hostPathFiles(pod: Pod, containerName: string, node: NodeFiles): PodFiles {
  const container = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === containerName);
  const mounts: { at: string; hostDir: string }[] = [];
  for (const mount of container?.volumeMounts ?? []) {
    const volume = (pod.spec.volumes ?? []).find((v) => v.name === mount.name);
    const hostPath = (volume?.hostPath as { path?: string } | undefined)?.path;
    if (hostPath !== undefined) mounts.push({ at: normalise(mount.mountPath).replace(/(.)\/$/, '$1'), hostDir: normalise(hostPath).replace(/(.)\/$/, '$1') });
  }
  const nodeName = pod.spec.nodeName ?? '';
  /** The node's path for a path in the container, through the longest mount that holds it. */
  const onNode = (path: string): string | undefined => {
    const p = normalise(path).replace(/(.)\/$/, '$1');
    let best: { at: string; hostDir: string } | undefined;
    for (const m of mounts) if ((p === m.at || p.startsWith(m.at === '/' ? '/' : `${m.at}/`)) && (best === undefined || m.at.length > best.at.length)) best = m;
    if (best === undefined) return undefined;
    const rest = p.slice(best.at === '/' ? 0 : best.at.length);
    return best.hostDir === '/' ? rest || '/' : `${best.hostDir}${rest}`;
  };
  return {
    read: (path) => {
      const at = onNode(path);
      return at === undefined ? undefined : node.read(nodeName, at);
    },
    list: (dir) => {
      const at = onNode(dir);
      return at === undefined ? undefined : node.list(nodeName, at);
    },
  };
}

/** The first layer that knows a path answers for it. */
export function layered(...layers: PodFiles[]): PodFiles {
  return {
    read: (path) => {
      for (const l of layers) {
        const content = l.read(path);
        if (content !== undefined) return content;
      }
      return undefined;
    },
    list: (dir) => {
      const names = new Set<string>();
      let found = false;
      for (const l of layers) {
        const listed = l.list(dir);
        if (listed === undefined) continue;
        found = true;
        for (const n of listed) names.add(n);
      }
      return found ? [...names].sort() : undefined;
    },
  };
}

function normalise(path: string): string {
  return path.replace(/\/+/g, '/');
}

/** Splits a `sh -c` script into words; quotes group, nothing else is interpreted. */
function words(script: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(script)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

export function runCommand(argv: string[], files: PodFiles, viaShell = false): ExecOutcome {
  const [cmd, ...args] = argv;
  const bin = (cmd ?? '').split('/').pop() ?? '';
  switch (bin) {
    case 'cat': {
      let stdout = '';
      let stderr = '';
      for (const path of args) {
        const content = files.read(path);
        if (content === undefined) stderr += `cat: ${path}: No such file or directory\n`;
        else stdout += content;
      }
      return { stdout, stderr, exitCode: stderr === '' ? 0 : 1 };
    }
    case 'tail': {
      // `tail -c N FILE`: the last N bytes, as busybox and coreutils give them.
      const bytes = args[0] === '-c' ? Number(args[1]) : Number.NaN;
      const path = args[2];
      if (!Number.isInteger(bytes) || bytes < 0 || path === undefined || args.length !== 3) {
        return { stdout: '', stderr: 'tail: this test cluster knows only tail -c N FILE\n', exitCode: 1 };
      }
      const content = files.read(path);
      if (content === undefined) return { stdout: '', stderr: `tail: can't open '${path}': No such file or directory\n`, exitCode: 1 };
      const buffer = Buffer.from(content, 'utf8');
      return { stdout: buffer.subarray(Math.max(0, buffer.length - bytes)).toString('utf8'), stderr: '', exitCode: 0 };
    }
    case 'ls': {
      const dirs = args.filter((a) => !a.startsWith('-'));
      let stdout = '';
      let stderr = '';
      for (const dir of dirs.length === 0 ? ['/'] : dirs) {
        const names = files.list(dir);
        if (names === undefined) stderr += `ls: cannot access '${dir}': No such file or directory\n`;
        else stdout += names.map((n) => `${n}\n`).join('');
      }
      return { stdout, stderr, exitCode: stderr === '' ? 0 : 2 };
    }
    case 'echo':
      return { stdout: `${args.join(' ')}\n`, stderr: '', exitCode: 0 };
    case 'true':
      return { stdout: '', stderr: '', exitCode: 0 };
    case 'false':
      return { stdout: '', stderr: '', exitCode: 1 };
    case 'sh':
    case 'bash':
      if (args[0] === '-c' && args[1] !== undefined) return runCommand(words(args[1]), files, true);
      return { stdout: '', stderr: '', exitCode: 0 };
    default:
      if (viaShell) return { stdout: '', stderr: `sh: ${cmd ?? ''}: not found\n`, exitCode: 127 };
      // runc's wording when the binary is missing; the exit code kubectl shows is 127.
      return {
        stdout: '',
        stderr: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd ?? ''}": executable file not found in $PATH: unknown\n`,
        exitCode: 127,
      };
  }
}
