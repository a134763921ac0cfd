// A separate process for the crash tests: opens the store in argv[2] and appends.
//   huge:    prints "ready", then appends one batch of ~128 MB so the parent can kill it mid-write.
//   limited: appends a batch that crosses the file-size limit the parent set (prlimit), prints the error.
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

async function main(): Promise<void> {
  const [dir, mode] = process.argv.slice(2);
  const store = await HistoryStore.open(dir, { maxBytes: 1024 * 1024 * 1024 });
  if (mode === 'huge') {
    const batch = Array.from({ length: 1280 }, (_, i) => event(1000 + i, 100_000));
    process.stdout.write('ready\n');
    await store.append(batch);
    process.stdout.write('finished\n');
  } else if (mode === 'limited') {
    try {
      await store.append(Array.from({ length: 100 }, (_, i) => event(2000 + i)));
      process.stdout.write('appended\n');
    } catch (err) {
      process.stdout.write(`refused: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  await store.close();
}

if (require.main === module) void main();
