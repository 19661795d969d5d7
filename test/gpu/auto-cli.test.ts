// `metta run --gpu auto` follows the calibrated cost model: the GPU answers the match runs when the
// model predicts it pays for the largest run, the CPU otherwise; the output is the same either way.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeGpu } from '../../src/gpu/index.js';
import { gpuAdapter, noGpu } from './helpers.js';

let adapter: string | null = null;
beforeAll(async () => {
  adapter = await gpuAdapter();
  await closeGpu();
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
    writeFileSync(file, [...facts, ...queries].join('\n') + '\n');
    const gpuWins = join(dir, 'gpu-wins.json');
    const cpuWins = join(dir, 'cpu-wins.json');
    writeFileSync(gpuWins, JSON.stringify({ paths: { cpu: { overheadMs: 0, perPatternUs: 100 }, gpu: { overheadMs: 0.1, perPatternUs: 1 } } }));
    writeFileSync(cpuWins, JSON.stringify({ paths: { cpu: { overheadMs: 0, perPatternUs: 100 }, gpu: { overheadMs: 50, perPatternUs: 1 } } }));
    const off = run(file, 'off', cpuWins);
    const onGpu = run(file, 'auto', gpuWins);
    const onCpu = run(file, 'auto', cpuWins);
    expect(off.code).toBe(0);
    expect(onGpu.out).toBe(off.out);
    expect(onCpu.out).toBe(off.out);
    expect(onGpu.err).toMatch(/gpu auto: a run of 12 top-level matches; the GPU pays from 2: GPU/);
    expect(onGpu.err).toMatch(/12 queries answered on the GPU/);
    expect(onCpu.err).toMatch(/gpu auto: the largest run of top-level matches has 12 pattern\(s\); the GPU pays from 506: CPU/);
  });
});
