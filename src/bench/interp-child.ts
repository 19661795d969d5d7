// One run of one bench/interp program in a fresh process: `node interp-child.js RUNNER FILE [memo]`, where
// RUNNER is the compiled `dist/src/runner/index.js` of the checkout under test (this one or a
// baseline's, so the same child times both) and `memo` turns pure-call memoization on (it is
// off otherwise: the targets hold without it). Prints one JSON line: the time of `Program.run`
// (parse, load, evaluate; not Node's start-up or module loading), what the program printed, and
// the process's peak resident memory.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface RunnerModule {
  Program: new (options: { stdout: (t: string) => void; stderr: (t: string) => void }) => {
    /** `memoize` is absent in checkouts older than memoization (they have none to turn off). */
    readonly env: { readonly settings: { memoize?: boolean } };
    run(source: string, name: string, sinks: { writeOut: (line: string) => void; writeErr: (line: string) => void }): { exitCode: number };
  };
}

const [runnerPath, file, memo] = process.argv.slice(2);
if (runnerPath === undefined || file === undefined) {
  process.stderr.write('usage: interp-child RUNNER_MODULE PROGRAM_FILE\n');
  process.exit(2);
}
const { Program } = (await import(pathToFileURL(runnerPath).href)) as RunnerModule;
const source = readFileSync(file, 'utf8');
let output = '';
const program = new Program({ stdout: (t) => (output += t), stderr: () => {} });
if ('memoize' in program.env.settings) program.env.settings.memoize = memo === 'memo';
const t0 = performance.now();
const { exitCode } = program.run(source, file, {
  writeOut: (line) => (output += line + '\n'),
  writeErr: (line) => (output += 'ERR ' + line + '\n'),
});
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, exitCode, output, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
