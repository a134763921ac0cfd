// A separate process (a VS Code window, as far as the history is concerned): opens the store in argv[2].
//   huge:        prints "ready", then appends one batch of ~128 MB so the parent can kill it mid-write.
//   limited:     appends a batch that crosses the file-size limit the parent set (prlimit), prints the error.
//   waitLimited: like limited, but prints "opened" and waits for a line on stdin before appending.
//   many N BASE: appends records BASE..BASE+N-1, one append call each, then prints "done".
//   compact:     compacts, prints "compacting", and compacts again each time the file changed, until
//                stdin says "stop"; then prints "compactions <count>".
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HistoryStore } from '../../../src/history/index';
import type { UnauthorizedEvent } from '../../../src/history/index';

export function event(i: number, lineLength = 40): UnauthorizedEvent {
  return {
    kind: 'unauthorized',
    at: 1_795_000_000_000 + i,
    subject: { context: 'kind-test', namespace: 'payments', pod: `api-${i}` },
    source: 'log',
    pattern: 'unauthorized',
    line: `${i} Unauthorized ${'x'.repeat(lineLength)}`,
  };
}

/** Nothing is ever too old or too big for these tests. */
export const KEEP_ALL = { maxDays: 100_000, maxBytes: 1024 * 1024 * 1024 };

function nextLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin });
  return new Promise((resolve) => {
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    lines.once('close', () => resolve(''));
  });
}

async function appendLimited(store: HistoryStore): Promise<void> {
  try {
    await store.append(Array.from({ length: 100 }, (_, i) => event(2000 + i)));
    process.stdout.write('appended\n');
  } catch (err) {
    process.stdout.write(`refused: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

async function compactUntilStopped(dir: string, store: HistoryStore): Promise<void> {
  let stopped = false;
  void nextLine().then(() => {
    stopped = true;
  });
  const file = join(dir, 'history.jsonl');
  const look = async (): Promise<string> => {
    const info = await stat(file);
    return `${info.ino}:${info.size}`;
  };
  let count = 0;
  while (!stopped) {
    await store.compact();
    count++;
    if (count === 1) process.stdout.write('compacting\n');
    const compacted = await look();
    // Paced by the writers: the next compaction waits for an append, as it would in a window.
    while (!stopped && (await look()) === compacted) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  process.stdout.write(`compactions ${count}\n`);
}

async function main(): Promise<void> {
  const [dir, mode, ...args] = process.argv.slice(2);
  const store = await HistoryStore.open(dir, KEEP_ALL);
  if (mode === 'huge') {
    const batch = Array.from({ length: 1280 }, (_, i) => event(1000 + i, 100_000));
    process.stdout.write('ready\n');
    await store.append(batch);
    process.stdout.write('finished\n');
  } else if (mode === 'limited') {
    await appendLimited(store);
  } else if (mode === 'waitLimited') {
    process.stdout.write('opened\n');
    await nextLine();
    await appendLimited(store);
  } else if (mode === 'many') {
    const [count, base] = args.map(Number);
    for (let i = 0; i < count; i++) await store.append([event(base + i)]);
    process.stdout.write('done\n');
  } else if (mode === 'compact') {
    await compactUntilStopped(dir, store);
  }
  await store.close();
}

if (require.main === module) void main();
