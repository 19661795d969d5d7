#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the `prepare` script): tsc's output
// in dist/src, and the same bundled into a few files in dist/bundle (faster to load), which runs
// unless it is older than dist/src (a `tsc` run without the bundle step).
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const compiled = join(dist, 'src', 'cli', 'main.js');
const bundled = join(dist, 'bundle', 'cli', 'main.js');
if (!existsSync(compiled)) {
  process.stderr.write('metta: the engine is not built yet; run `npm install` (or `npm run build`) in the package folder\n');
  process.exit(2);
}
const entry = existsSync(bundled) && statSync(bundled).mtimeMs >= statSync(compiled).mtimeMs ? bundled : compiled;
const argv = process.argv.slice(2);

// `metta FILE ...` evaluates on a worker thread (src/cli/main.ts, runInWorker). Starting it now,
// before the command's code loads, lets the thread boot and load the engine while this one reads
// the arguments and the file (about 5 % off an empty run on the development machine). Not for the
// subcommands (src/cli/args.ts) or help: main dismisses the thread when nothing runs on it.
const SUBCOMMANDS = ['query', 'bench', 'calibrate', 'compile', 'repl'];
let early = null;
if (argv.length > 0 && !SUBCOMMANDS.includes(argv[0]) && !argv.some((a) => a === '--help' || a === '-h' || a === '--version')) {
  const script = join(dirname(entry), 'worker.js');
  if (existsSync(script)) {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(pathToFileURL(script), { workerData: { flag } });
    early = { worker, flag, failed: false };
    const failed = () => (early.failed = true);
    worker.on('error', failed);
    worker.on('exit', failed);
  }
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(argv, undefined, early);
