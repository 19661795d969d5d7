// bench/interp: the interpreter on issue 13's workloads (src/bench/interp-programs.ts): naive fib
// 25 and 30, 5 and 6 digits summing to 27 (superpose + let*), Pythagorean triples by overlapping
// `between` rules, n-queens 8 and 10 by generate and test, a 10,000-element list, issue 12's deep
// term (built to 100,000 by a non-tail recursion and walked by another), the run-time
// knowledge base of 100,000 edges, and start-up (`node bin/metta.js` on an empty file).
//
// Each run is a fresh process (interp-child.ts) timing parse + load + evaluate, not Node's start-up;
// the output is checked against a count made in JavaScript; figures are medians, with the peak
// resident memory of the process. With `--baseline DIR` (another built checkout, e.g. a
// `git worktree` of an older commit) every run alternates between the two, in rotating order, and
// the table gives baseline / ours: ratios from one run, as docs/performance.md asks. This checkout
// runs each program twice per round, with pure-call memoization off (the column the targets are
// for) and on; a baseline runs with it off.
//
//   node dist/src/bench/interp.js [--quick] [--runs N] [--only NAME,...] [--baseline DIR] [--json FILE]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageRoot } from '../core/index.js';
import { isMain, Options, OptionsError, table } from './common.js';
import { type Workload, workloads } from './interp-programs.js';

/** tsc's output, also when this module runs from the sources (tests) or from the bundle (`metta bench`). */
const CHILD = join(packageRoot, 'dist', 'src', 'bench', 'interp-child.js');
const STARTUP = 'start-up (empty file)';
const STARTUP_TARGET_MS = 150;

/** A checkout whose build is timed: its runner module and its launcher. */
interface Checkout {
  readonly label: string;
  readonly runner: string;
  readonly launcher: string;
  /** Runs with pure-call memoization on. */
  readonly memo: boolean;
}

function checkout(label: string, root: string, memo = false): Checkout {
  const runner = join(root, 'dist', 'src', 'runner', 'index.js');
  const launcher = join(root, 'bin', 'metta.js');
  for (const f of [runner, launcher]) if (!existsSync(f)) throw new OptionsError(`${label}: ${f} does not exist (is ${root} a built checkout?)`);
  return { label, runner, launcher, memo };
}

interface Sample {
  readonly ms: number;
  readonly maxRssMib: number;
}

function runOnce(who: Checkout, w: Workload, file: string): Sample {
  const r = spawnSync(process.execPath, [CHILD, who.runner, file, who.memo ? 'memo' : 'no-memo'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${w.name} (${who.label}): child exited ${r.status}: ${r.stderr}`);
  const got = JSON.parse(r.stdout) as { ms: number; exitCode: number; output: string; maxRssKb: number };
  if (got.exitCode !== 0 || got.output !== w.expected) {
    throw new Error(`${w.name} (${who.label}): exit ${got.exitCode}, printed ${JSON.stringify(got.output)}, expected ${JSON.stringify(w.expected)}`);
  }
  return { ms: got.ms, maxRssMib: got.maxRssKb / 1024 };
}

function startUpOnce(who: Checkout, emptyFile: string): Sample {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [who.launcher, emptyFile], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0 || r.stdout !== '') throw new Error(`start-up (${who.label}): exit ${r.status}, printed ${JSON.stringify(r.stdout)} ${r.stderr}`);
  return { ms, maxRssMib: Number.NaN };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export interface InterpRow {
  readonly name: string;
  readonly targetMs: number | null;
  /** Median milliseconds and peak resident MiB (the largest over the runs) per checkout label. */
  readonly ms: Record<string, number>;
  readonly peakMib: Record<string, number>;
}

export interface InterpOptions {
  readonly quick: boolean;
  readonly runs?: number;
  /** Workloads whose name contains one of these (all when absent). */
  readonly only?: readonly string[];
  /** Root of a built checkout timed alternately with this one. */
  readonly baseline?: string;
}

export function runInterp(options: InterpOptions): InterpRow[] {
  const runs = options.runs ?? (options.quick ? 1 : 3);
  if (!existsSync(CHILD)) throw new OptionsError(`${CHILD} is not built: run \`npm run build\` in ${packageRoot}`);
  const ours = [checkout('ours', packageRoot), checkout('memo', packageRoot, true)];
  const all = options.baseline === undefined ? ours : [...ours, checkout('baseline', resolve(options.baseline))];
  const picked = (name: string): boolean => options.only === undefined || options.only.some((o) => name.includes(o));
  const dir = mkdtempSync(join(tmpdir(), 'metta-interp-'));
  try {
    const emptyFile = join(dir, 'empty.metta');
    writeFileSync(emptyFile, '');
    const jobs: { name: string; targetMs: number | null; once: (who: Checkout) => Sample; checkouts: readonly Checkout[] }[] = [];
    // Start-up evaluates nothing: memoization cannot change it.
    if (picked(STARTUP)) jobs.push({ name: STARTUP, targetMs: options.quick ? null : STARTUP_TARGET_MS, once: (who) => startUpOnce(who, emptyFile), checkouts: all.filter((c) => !c.memo) });
    workloads(options.quick)
      .filter((w) => picked(w.name))
      .forEach((w, k) => {
        const file = join(dir, `w${k}.metta`);
        writeFileSync(file, w.source);
        jobs.push({ name: w.name, targetMs: w.targetMs ?? null, once: (who) => runOnce(who, w, file), checkouts: all });
      });
    if (jobs.length === 0) throw new OptionsError(`--only ${options.only?.join(',')}: no workload matches`);
    return jobs.map((job) => {
      const checkouts = job.checkouts;
      const samples = new Map<string, Sample[]>(checkouts.map((c) => [c.label, []]));
      for (let run = 0; run < runs; run++) {
        // Rotating order: a load change during the run hits every checkout alike.
        for (let k = 0; k < checkouts.length; k++) {
          const who = checkouts[(run + k) % checkouts.length]!;
          samples.get(who.label)!.push(job.once(who));
        }
      }
      const ms: Record<string, number> = {};
      const peakMib: Record<string, number> = {};
      for (const [label, s] of samples) {
        ms[label] = median(s.map((x) => x.ms));
        peakMib[label] = Math.max(...s.map((x) => x.maxRssMib));
      }
      return { name: job.name, targetMs: job.targetMs, ms, peakMib };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(rows: readonly InterpRow[], baseline: boolean): string {
  const header = ['workload', 'ours ms', 'target', 'peak MiB', 'memo on ms', 'peak MiB', ...(baseline ? ['baseline ms', 'baseline/ours'] : [])];
  const cell = (x: number | undefined, digits = 0): string => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));
  return table(
    header,
    rows.map((r) => [
      r.name,
      cell(r.ms['ours']),
      r.targetMs === null ? '-' : `≤ ${r.targetMs}`,
      cell(r.peakMib['ours']),
      cell(r.ms['memo']),
      cell(r.peakMib['memo']),
      ...(baseline ? [cell(r.ms['baseline']), cell(r.ms['baseline']! / r.ms['ours']!, 2) + 'x'] : []),
    ]),
  );
}

/** The suite's entry (`metta bench`, `npm run bench`): workload → median ms of this checkout. */
export async function benchInterp(options: InterpOptions): Promise<Record<string, number>> {
  const rows = runInterp(options);
  console.log('\ninterp (fresh process per run: parse, load, evaluate; medians; "ours" with memoization off, the column the targets are for)');
  console.log(report(rows, options.baseline !== undefined));
  return Object.fromEntries(rows.map((r) => [r.name, r.ms['ours']!]));
}

if (isMain(import.meta.url)) {
  const opts = new Options({ quick: 'boolean', json: 'string', runs: 'string', only: 'string', baseline: 'string' });
  const quick = opts.flag('quick');
  const baseline = opts.string('baseline');
  const only = opts.string('only')?.split(',').filter((s) => s !== '');
  const options: InterpOptions = { quick, runs: opts.int('runs', undefined, quick ? 1 : 3), ...(only !== undefined ? { only } : {}), ...(baseline !== undefined ? { baseline } : {}) };
  const rows = runInterp(options);
  console.log(`interp (fresh process per run: parse, load, evaluate; medians of ${options.runs}; "ours" with memoization off, the column the targets are for)`);
  console.log(report(rows, baseline !== undefined));
  const json = opts.string('json');
  if (json !== undefined) writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), interp: rows }, null, 2));
}
