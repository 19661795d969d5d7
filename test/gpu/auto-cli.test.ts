// `metta run --gpu auto` follows the calibrated cost model per batch of batched evaluation: the GPU
// answers the query batches above its crossover, the CPU the others; without a calibration the run
// is not batched at all. The output is the same either way.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpuAdapterOutOfProcess, noGpu } from './helpers.js';

let adapter: string | null = null;
beforeAll(async () => {
  adapter = gpuAdapterOutOfProcess(); // the command opens its own device
});

function run(file: string, gpu: string, calibration: string): { out: string; err: string; code: number | null } {
  const r = spawnSync(process.execPath, ['bin/metta.js', 'run', '--workers', '1', '--gpu', gpu, '--log', 'info', file], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, METTA_CALIBRATION: calibration },
  });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

describe('metta run --gpu auto', () => {
  it('takes the GPU when the calibration says it pays, the CPU when not, printing the same', (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const dir = mkdtempSync(join(tmpdir(), 'metta-auto-'));
    const file = join(dir, 'prog.metta');
    const facts = Array.from({ length: 200 }, (_, i) => `(edge n${i % 17} n${(i * 7) % 19})`);
    const queries = Array.from({ length: 12 }, (_, i) => `!(match &self (edge n${i} $y) $y)`);
    // After a barrier, a batch of one form: one query per step, under the crossover.
    writeFileSync(file, [...facts, ...queries, '(edge n3 n4)', '!(match &self (edge n3 $y) $y)'].join('\n') + '\n');
    const gpuWins = join(dir, 'gpu-wins.json');
    const cpuWins = join(dir, 'cpu-wins.json');
    writeFileSync(gpuWins, JSON.stringify({ paths: { cpu: { overheadMs: 0, perPatternUs: 100 }, gpu: { overheadMs: 0.1, perPatternUs: 1 } } }));
    writeFileSync(cpuWins, JSON.stringify({ paths: { cpu: { overheadMs: 0, perPatternUs: 100 }, gpu: { overheadMs: 50, perPatternUs: 1 } } }));
    const off = run(file, 'off', cpuWins);
    const onGpu = run(file, 'auto', gpuWins);
    const onCpu = run(file, 'auto', cpuWins);
    const uncalibrated = run(file, 'auto', join(dir, 'missing.json'));
    expect(off.code).toBe(0);
    for (const r of [onGpu, onCpu, uncalibrated]) {
      expect(r.out).toBe(off.out);
      expect(r.code).toBe(0);
    }
    expect(onGpu.err).toMatch(/gpu auto: batched evaluation; the GPU answers query batches of 2 or more/);
    // The 12 matches in one GPU batch; the lone match after the barrier on the CPU.
    expect(onGpu.err).toMatch(/13 queries \(13 matches, 0 rule lookups\), largest 12; 12 answered on the GPU; gpu: 1 batch\(es\), 12 patterns, .*; cpu: 1 batch\(es\), 1 patterns/);
    expect(onCpu.err).toMatch(/the GPU answers query batches of 506 or more/);
    expect(onCpu.err).toMatch(/0 answered on the GPU; cpu: 2 batch\(es\), 13 patterns/);
    expect(onCpu.err).not.toMatch(/GPU adapter/); // never opened
    expect(uncalibrated.err).toMatch(/gpu auto: no calibration of the GPU \(run metta calibrate\): evaluating on the CPU/);
    expect(uncalibrated.err).not.toMatch(/batched evaluation/);
  });
});
