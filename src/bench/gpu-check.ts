// The real-GPU check (issue 14; docs/gpu.md "The real-GPU check"): everything worth knowing from
// one short run on a machine with a GPU, as one JSON file. bench/gpu-check.sh carries it to a
// device machine that has no Node and reaches no registry, and runs
//
//   node dist/src/bench/gpu-check.js [--quick] [--out DIR] [--stages adapter,differential,grid,calibrate,cli]
//                                    [--seed N] [--budget-s S] [--grid-facts LIST] [--grid-patterns LIST]
//                                    [--scenarios LIST] [--inject-mismatch]
//
// Stages, in order, each timed and recorded even when it fails (the JSON is rewritten after each,
// so a run cut short keeps what it had):
//   adapter       the adapter's vendor, architecture, description, every limit and feature
//   differential  seeded random spaces and patterns, GPU = CPU element for element (gpu-differential.ts)
//   grid          the kb-match grid ({100k, 1M} facts x {1k, 10k, 100k} patterns): CPU and GPU
//                 patterns/s, the GPU's upload / count / write / readback / host split
//   calibrate     `metta calibrate --gpu on` (the batch-size sweep, 1 to 4,096 patterns per path),
//                 its printed lines and the saved cost model
//   cli           `metta run` of examples/kb.metta with --gpu on and off: the same bytes as the
//                 .expected file
// --quick sizes everything for a software GPU (the lavapipe rehearsal). --budget-s (default 420, so
// that the whole check stays under 8 minutes) skips what would start after it is spent: the grid's
// larger fact sizes, then whole stages (recorded as skipped). --scenarios picks differential
// scenarios (gpu-differential.ts); --inject-mismatch corrupts one GPU answer, to see the check fail.
// Exit code 0 when every stage ran and the differential found no difference, 1 otherwise.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMain, machine, Options } from './common.js';
import { runDifferential, type ScenarioOutcome } from './gpu-differential.js';
import { benchKbMatchGrid, type GridPoint, KB_MATCH_GRID_OPTIONS } from './kb-match.js';

const STAGES = ['adapter', 'differential', 'grid', 'calibrate', 'cli'] as const;
type StageName = (typeof STAGES)[number];

export const GPU_CHECK_OPTIONS = {
  quick: 'boolean',
  out: 'string',
  stages: 'string',
  seed: 'string',
  'budget-s': 'string',
  'grid-facts': 'string',
  'grid-patterns': 'string',
  scenarios: 'string',
  'inject-mismatch': 'boolean',
} as const;

interface StageRecord {
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
  readonly skipped?: string;
  readonly result?: unknown;
}

export interface GpuCheckReport {
  readonly date: string;
  readonly machine: Record<string, string | number>;
  readonly quick: boolean;
  readonly seed: number;
  readonly env: Record<string, string>;
  readonly stages: Partial<Record<StageName, StageRecord>>;
  ok: boolean;
}

/** The package root: dist/src/bench/gpu-check.js is three folders below it. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const METTA = join(ROOT, 'bin', 'metta.js');

function runMetta(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [METTA, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? `\n${r.error.message}` : '') };
}

async function adapterStage(): Promise<unknown> {
  const { acquireGpu, adapterReport } = await import('../gpu/index.js');
  const ctx = await acquireGpu();
  return { name: ctx.adapterName, deviceLimits: ctx.limits, adapter: adapterReport() };
}

async function differentialStage(seed: number, quick: boolean, scenarios: readonly string[] | undefined, injectMismatch: boolean, log: (line: string) => void): Promise<{ ok: boolean; result: ScenarioOutcome[] }> {
  const { GpuMatcher } = await import('../gpu/index.js');
  const result = await runDifferential({ seed, quick, ...(scenarios ? { scenarios } : {}), injectMismatch, newMatcher: (o) => new GpuMatcher(o), out: log });
  return { ok: result.every((s) => s.failures === 0), result };
}

/** The grid, one facts size at a time so that the time budget is checked between them. */
async function gridStage(factSizes: readonly string[], patternSizes: string, seed: number, deadline: number, log: (line: string) => void): Promise<{ points: GridPoint[]; skippedFacts: string[] }> {
  const points: GridPoint[] = [];
  const skippedFacts: string[] = [];
  for (const facts of factSizes) {
    if (performance.now() > deadline) {
      skippedFacts.push(facts);
      log(`grid: ${facts} facts skipped (time budget spent)`);
      continue;
    }
    points.push(...(await benchKbMatchGrid(new Options(KB_MATCH_GRID_OPTIONS, ['--grid-facts', facts, '--grid-patterns', patternSizes, '--seed', String(seed)]))));
  }
  const { closeGpu } = await import('../gpu/index.js');
  await closeGpu();
  return { points, skippedFacts };
}

function calibrateStage(out: string, quick: boolean): { ok: boolean; result: unknown; error?: string } {
  const file = join(out, 'calibration.json');
  const env = { ...process.env, METTA_CALIBRATION: file };
  const r = runMetta(['calibrate', '--gpu', 'on', '--facts', quick ? '5000' : '20000'], env, 240_000);
  const model: unknown = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  const result = { status: r.status, lines: r.stdout.trim().split('\n'), stderr: r.stderr.trim().slice(-4000), model };
  return r.status === 0 && model !== null ? { ok: true, result } : { ok: false, result, error: `metta calibrate exited with ${r.status}: ${r.stderr.trim().slice(-500)}` };
}

function cliStage(): { ok: boolean; result: unknown; error?: string } {
  const program = join('examples', 'kb.metta');
  const expected = readFileSync(join(ROOT, 'examples', 'kb.metta.expected'), 'utf8');
  const runs = (['on', 'off'] as const).map((gpu) => {
    const t0 = performance.now();
    const r = runMetta(['--gpu', gpu, '--metrics', program], process.env, 120_000);
    return { gpu, status: r.status, ms: performance.now() - t0, sameAsExpected: r.stdout === expected, metrics: r.stderr.trim().split('\n').slice(-20) };
  });
  const ok = runs.every((r) => r.status === 0 && r.sameAsExpected);
  return { ok, result: runs, ...(ok ? {} : { error: `metta run differs from ${program}.expected or failed: ${JSON.stringify(runs.map((r) => [r.gpu, r.status, r.sameAsExpected]))}` }) };
}

export async function gpuCheck(opts: Options, log: (line: string) => void = (line) => console.log(line)): Promise<GpuCheckReport> {
  const quick = opts.flag('quick');
  const out = resolve(opts.string('out') ?? 'gpu-check-out');
  const seed = opts.int('seed', 'GPU_CHECK_SEED', 20_261_204);
  const budgetMs = opts.int('budget-s', undefined, quick ? 600 : 420) * 1000;
  const stages = (opts.string('stages') ?? STAGES.join(',')).split(',');
  for (const s of stages) if (!(STAGES as readonly string[]).includes(s)) throw new RangeError(`unknown stage ${s}; stages: ${STAGES.join(', ')}`);
  const gridFacts = (opts.string('grid-facts') ?? (quick ? '10k' : '100k,1m')).split(',');
  const gridPatterns = opts.string('grid-patterns') ?? (quick ? '1k,2k' : '1k,10k,100k');
  mkdirSync(out, { recursive: true });
  const envShown = Object.fromEntries(['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'LD_LIBRARY_PATH', 'XDG_RUNTIME_DIR'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
  const report: GpuCheckReport = { date: new Date().toISOString(), machine: machine(), quick, seed, env: envShown, stages: {}, ok: true };
  const save = (): void => writeFileSync(join(out, 'gpu-check.json'), JSON.stringify(report, null, 2) + '\n');
  const start = performance.now();
  const deadline = start + budgetMs;
  for (const name of STAGES) {
    if (!stages.includes(name)) continue;
    if (performance.now() > deadline) {
      report.stages[name] = { ok: true, ms: 0, skipped: 'time budget spent' };
      log(`\n=== gpu-check: ${name} skipped: the time budget (--budget-s) is spent ===`);
      save();
      continue;
    }
    log(`\n=== gpu-check: ${name} (${((performance.now() - start) / 1000).toFixed(1)} s in) ===`);
    const t0 = performance.now();
    let record: StageRecord;
    try {
      switch (name) {
        case 'adapter':
          record = { ok: true, ms: 0, result: await adapterStage() };
          log(JSON.stringify(record.result, null, 2));
          break;
        case 'differential': {
          const d = await differentialStage(seed, quick, opts.string('scenarios')?.split(','), opts.flag('inject-mismatch'), log);
          record = { ok: d.ok, ms: 0, result: d.result, ...(d.ok ? {} : { error: 'the GPU and the CPU differ (firstFailures)' }) };
          break;
        }
        case 'grid': {
          const g = await gridStage(gridFacts, gridPatterns, seed, deadline, log);
          record = { ok: true, ms: 0, result: g, ...(g.skippedFacts.length > 0 ? { skipped: `facts ${g.skippedFacts.join(', ')}: time budget spent` } : {}) };
          break;
        }
        case 'calibrate': {
          // The GPU is opened again by the `metta` process; close this one's device first.
          const { closeGpu } = await import('../gpu/index.js');
          await closeGpu();
          record = { ms: 0, ...calibrateStage(out, quick) };
          break;
        }
        case 'cli':
          record = { ms: 0, ...cliStage() };
          break;
      }
    } catch (e) {
      record = { ok: false, ms: 0, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}`.slice(0, 4000) : String(e) };
    }
    record = { ...record, ms: performance.now() - t0 };
    if (!record.ok) {
      report.ok = false;
      log(`gpu-check: ${name} FAILED: ${record.error}`);
    }
    report.stages[name] = record;
    save();
  }
  const { closeGpu } = await import('../gpu/index.js');
  await closeGpu();
  log(`\ngpu-check: ${report.ok ? 'all stages passed' : 'FAILED'} in ${((performance.now() - start) / 1000).toFixed(1)} s; ${join(out, 'gpu-check.json')}`);
  return report;
}

if (isMain(import.meta.url)) {
  const report = await gpuCheck(new Options(GPU_CHECK_OPTIONS));
  process.exitCode = report.ok ? 0 : 1;
}
