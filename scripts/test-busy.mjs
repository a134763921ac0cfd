// `npm run test:busy [-- --runs N --hogs N]`: `npm test` several times in a row (3 by default) while
// busy loops (2 by default, one per core of CI's machine) keep the CPU full, as on a shared CI runner.
// Stops at the first run that fails; prints each run's outcome and duration, and a last line
// `busy: N of N runs green`.
import { spawn, spawnSync } from 'node:child_process';
import { bootstrap, ROOT } from './bootstrap.mjs';

bootstrap(import.meta.url);

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} wants a whole number, got ${process.argv[at + 1]}`);
    process.exit(2);
  }
  return value;
}

const runs = option('runs', 3);
const hogCount = option('hogs', 2);

// Each hog is a process of its own that spins until it is killed.
const hogs = Array.from({ length: hogCount }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopHogs = () => {
  for (const hog of hogs) hog.kill('SIGKILL');
};
process.on('exit', stopHogs);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopHogs();
    process.exit(130);
  });
}
console.log(`busy: ${hogCount} busy loop(s) running (pids ${hogs.map((h) => h.pid).join(', ')})`);

let green = 0;
for (let i = 1; i <= runs; i++) {
  const started = Date.now();
  console.log(`busy: run ${i} of ${runs}`);
  const r = spawnSync(process.execPath, ['scripts/test.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const seconds = Math.round((Date.now() - started) / 1000);
  if (r.status !== 0) {
    console.log(`busy: run ${i} failed (exit ${r.status ?? r.signal}) after ${seconds} s`);
    break;
  }
  green++;
  console.log(`busy: run ${i} green in ${seconds} s`);
}
// The loops' handles would keep this process alive: stop them before saying how it went.
stopHogs();
console.log(`busy: ${green} of ${runs} runs green`);
process.exitCode = green === runs ? 0 : 1;
