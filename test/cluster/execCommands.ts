// The few commands a test-cluster container can run over exec: `cat` of the files a pod's
// projected volumes hold (the token file is the kubelet's current one), `ls`, `echo`, and
// `sh -c` around them. Anything else fails the way a shell in the container would.

import type { ExecOutcome } from './execProtocol';
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
