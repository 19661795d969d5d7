// `metta query --gpu on` prints byte for byte what `--gpu off` prints (the patterns of
// test/cli/query.test.ts), each batch answered on the GPU; `--gpu auto` with a made-up calibration
// sends each batch to the CPU, the pool or the GPU as the model says, printing the same. Runs the
// compiled command.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kbText, patternText } from '../cli/query-fixtures.js';
import { gpuAdapterOutOfProcess, noGpu } from './helpers.js';

let adapter: string | null = null;
beforeAll(async () => {
  adapter = gpuAdapterOutOfProcess(); // the command opens its own device
  if (!existsSync('dist/src/cli/query.js')) throw new Error('dist/ is not built: run npm run build (npm ci does it)');
});

function metta(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/metta.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('metta query --gpu on|off', () => {
  it('prints byte-identical output, every batch answered on the GPU', (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const dir = mkdtempSync(join(tmpdir(), 'metta-query-gpu-'));
    const kb = join(dir, 'kb.metta');
    const patterns = join(dir, 'patterns.metta');
    writeFileSync(kb, kbText());
    writeFileSync(patterns, patternText());
    const off = metta(['query', kb, patterns, '--gpu', 'off']);
    expect(off.code).toBe(0);
    for (const args of [['--gpu', 'on'], ['--gpu', 'on', '--batch', '37'], ['--gpu', 'on', '--format', 'jsonl']]) {
      const on = metta(['query', kb, patterns, ...args]);
      expect(on.code, args.join(' ')).toBe(0);
      if (args.includes('jsonl')) {
        const lines = on.out.trimEnd().split('\n').map((l) => '[' + (JSON.parse(l) as { results: string[] }).results.join(', ') + ']');
        expect(lines.join('\n') + '\n').toBe(off.out);
      } else expect(on.out, args.join(' ')).toBe(off.out);
    }
    const logged = metta(['query', kb, patterns, '--gpu', 'on', '--batch', '100', '--log', 'info']);
    expect(logged.out).toBe(off.out);
    expect(logged.err).toMatch(/query: 400 patterns in 4 batch\(es\); 4 on the GPU, 0 on the CPU/);
    expect(logged.err).toMatch(/query: pool: not used \(--gpu on forces the GPU\)/);
  });

  it('auto over the CPU, the pool and the GPU (made-up calibration): each where the model puts it, the same output', (ctx) => {
    if (adapter === null) return noGpu(ctx);
    if (availableParallelism() < 2) return ctx.skip(); // one core: the pool is never a candidate
    const dir = mkdtempSync(join(tmpdir(), 'metta-query-auto-'));
    const kb = join(dir, 'kb.metta');
    const patterns = join(dir, 'patterns.metta');
    writeFileSync(kb, kbText());
    writeFileSync(patterns, patternText());
    // Per batch of n: CPU 10n ms, pool 100 + 5n, GPU 700: the CPU below 20 patterns, the pool from
    // 20 to 119, the GPU from 120.
    const calibration = join(dir, 'calibration.json');
    writeFileSync(calibration, JSON.stringify({ paths: { cpu: { overheadMs: 0, perPatternUs: 10_000 }, pool: { overheadMs: 100, perPatternUs: 5_000 }, gpu: { overheadMs: 700, perPatternUs: 0 } } }));
    const env = { ...process.env, METTA_CALIBRATION: calibration };
    const run = (args: string[]): { code: number | null; out: string; err: string } => {
      const r = spawnSync(process.execPath, ['bin/metta.js', 'query', kb, patterns, '--log', 'info', ...args], { encoding: 'utf8', timeout: 120_000, env });
      // A signal (status null) is named with stderr, so a crash at exit says what it was.
      return { code: r.status, out: r.stdout, err: r.signal === null ? r.stderr : `killed by ${r.signal}\n${r.stderr}` };
    };
    const off = metta(['query', kb, patterns, '--gpu', 'off', '--workers', '1']);
    expect(off.code).toBe(0);
    // Batches of 100: the pool (started for the first batch), the GPU opened but not chosen.
    const pool = run(['--gpu', 'auto', '--batch', '100']);
    expect(pool.code, pool.err).toBe(0);
    expect(pool.out).toBe(off.out);
    expect(pool.err).toMatch(/query: scheduler over cpu, pool, gpu \(calibrated\)/);
    expect(pool.err).toMatch(/query: pool of \d+ workers started for a batch of 100 patterns/);
    expect(pool.err).toMatch(/query: scheduler: pool: 4 batch\(es\), 400 patterns/);
    expect(pool.err).toMatch(/query: 400 patterns in 4 batch\(es\); 0 on the GPU, 0 on the CPU, 4 on \d+ workers/);
    // Batches of 200: the GPU, and the pool, never predicted faster than it, is not a candidate.
    const gpu = run(['--gpu', 'auto', '--batch', '200']);
    expect(gpu.code, gpu.err).toBe(0);
    expect(gpu.out).toBe(off.out);
    expect(gpu.err).toMatch(/query: scheduler over cpu, gpu \(calibrated\)/);
    expect(gpu.err).toMatch(/query: pool: not used \(never predicted faster than cpu or gpu at batches of 200\)/);
    expect(gpu.err).toMatch(/query: scheduler: gpu: 2 batch\(es\), 400 patterns/);
  });
});
