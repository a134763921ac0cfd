// Several windows sharing one history, as separate processes: writers appending one record per call
// while another process compacts over and over. Used by the unit test and by the history benchmark.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { event } from './appendChild';

const child = join(__dirname, `appendChild${extname(__filename)}`);
// Under tsx the child needs the same loader; compiled, it is plain JavaScript.
export const childArgs = extname(__filename) === '.ts' ? ['--import', 'tsx', child] : [child];
export const repoRoot = resolve(__dirname, '../../..');

export interface SharedWriteResult {
  appended: number;
  /** Appended records missing from the file afterwards. */
  lost: number;
  /** Extra copies of appended records. */
  duplicated: number;
  /** Compactions that ran while the writers were appending (and after the first one). */
  compactions: number;
}

export interface Running {
  proc: ChildProcessWithoutNullStreams;
  /** Resolves once stdout has shown a line matching. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<void>;
}

/** Starts appendChild with args, under a wrapper command (such as prlimit) when one is given. */
export function runChild(dir: string, args: string[], wrapper: string[] = []): Running {
  const command = [...wrapper, process.execPath, ...childArgs, dir, ...args];
  const proc = spawn(command[0] ?? process.execPath, command.slice(1), { cwd: repoRoot });
  let out = '';
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      const m = out.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  proc.stdout.on('data', (data: Buffer) => {
    out += data.toString();
    check();
  });
  proc.stderr.on('data', (data: Buffer) => {
    err += data.toString();
  });
  const exited = new Promise<void>((resolveExit, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (code === 0) resolveExit();
      else reject(new Error(`child ${args.join(' ')} exited with ${code ?? signal}: ${err}${out}`));
    });
  });
  return {
    proc,
    exited,
    waitFor: (pattern) =>
      new Promise((resolveMatch, reject) => {
        waiters.push({ pattern, resolve: resolveMatch });
        check();
        exited.then(() => reject(new Error(`child ${args.join(' ')} exited without printing ${String(pattern)}: ${out}`)), reject);
      }),
  };
}

/** Appends `each` records from each of `writers` processes while one more process compacts in a loop. */
export async function appendWhileCompacting(dir: string, writers: number, each: number): Promise<SharedWriteResult> {
  const compactor = runChild(dir, ['compact']);
  await compactor.waitFor(/^compacting$/m);
  const bases = Array.from({ length: writers }, (_, w) => (w + 1) * 1_000_000);
  const running = bases.map((base) => runChild(dir, ['many', String(each), String(base)]));
  await Promise.all(running.map((r) => r.exited));
  compactor.proc.stdin.end('stop\n');
  const [, compactions] = await compactor.waitFor(/^compactions (\d+)$/m);
  await compactor.exited;

  const seen = new Map<number, number>();
  for (const line of readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n').slice(1)) {
    if (line === '') continue;
    const at = (JSON.parse(line) as { at: number }).at;
    seen.set(at, (seen.get(at) ?? 0) + 1);
  }
  let lost = 0;
  let duplicated = 0;
  for (const base of bases) {
    for (let i = 0; i < each; i++) {
      const copies = seen.get(event(base + i).at) ?? 0;
      if (copies === 0) lost++;
      else duplicated += copies - 1;
    }
  }
  return { appended: writers * each, lost, duplicated, compactions: Number(compactions) - 1 };
}
