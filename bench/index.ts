// `npm run bench`: runs every bench/*.bench.ts and prints one line per figure: `name value unit`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

type Report = (name: string, value: number, unit: string) => void;
interface BenchModule {
  run(report: Report): Promise<void>;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
    .sort();
  const report: Report = (name, value, unit) => {
    const shown = Number.isInteger(value) ? String(value) : value.toPrecision(4);
    console.log(`${name} ${shown} ${unit}`);
  };
  let failed = false;
  for (const file of files) {
    try {
      const mod = (await import(join(__dirname, file))) as BenchModule;
      await mod.run(report);
    } catch (err) {
      failed = true;
      console.error(`${file}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  if (failed) process.exitCode = 1;
}

void main();
