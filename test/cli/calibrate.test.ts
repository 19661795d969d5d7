// `metta calibrate` measures and saves the cost model that `metta query` then schedules with.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitCostRelative, repairOutliers } from '../../src/query/index.js';
import { parseCostModel } from '../../src/scheduler/cost-model.js';

function metta(args: string[], env: Record<string, string>): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/metta.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('repairOutliers', () => {
  it('brings a sample far above its neighbours\' chord down to it, and leaves real curves alone', () => {
    const sizes = [1, 4, 16, 64, 256, 1024, 4096];
    const line = sizes.map((n) => ({ patterns: n, ms: 0.2 + 0.05 * n }));
    expect(repairOutliers(line)).toEqual({ samples: line, repaired: [] });
    // The pool's shape: a higher cost per batch, small batches dearer per pattern, then cheaper: untouched.
    const pool = sizes.map((n) => ({ patterns: n, ms: 0.3 + 0.06 * Math.min(n, 16) + 0.04 * Math.max(0, n - 16) }));
    expect(repairOutliers(pool).repaired).toEqual([]);
    const noisy = line.map((s) => (s.patterns === 64 ? { ...s, ms: s.ms * 1.6 } : s));
    const { samples, repaired } = repairOutliers(noisy);
    expect(repaired).toEqual([64]);
    expect(samples[3]!.ms).toBeCloseTo(line[3]!.ms, 9); // the chord of a line is the line
    expect(noisy[3]!.ms).toBeCloseTo(line[3]!.ms * 1.6, 9); // the input is not changed
  });
});

describe('fitCostRelative', () => {
  it('recovers an exact line and weighs every batch size alike', () => {
    const line = (a: number, bUs: number) => [1, 8, 64, 512, 4096].map((n) => ({ patterns: n, ms: a + (bUs * n) / 1000 }));
    const exact = fitCostRelative(line(0.5, 20));
    expect(exact.overheadMs).toBeCloseTo(0.5, 9);
    expect(exact.perPatternUs).toBeCloseTo(20, 9);
    // 5% noise on the largest batch: the cost per batch stays near the small batches' (an ordinary
    // least-squares line would put several milliseconds there).
    const noisy = line(0.02, 20).map((s) => (s.patterns === 4096 ? { ...s, ms: s.ms * 1.05 } : s));
    expect(fitCostRelative(noisy).overheadMs).toBeLessThan(0.05);
    expect(fitCostRelative(noisy).perPatternUs).toBeGreaterThan(19);
  });

  it('keeps both costs non-negative', () => {
    const falling = fitCostRelative([{ patterns: 1, ms: 5 }, { patterns: 100, ms: 4 }]);
    expect(falling.perPatternUs).toBe(0);
    expect(falling.overheadMs).toBeGreaterThan(4);
    const steep = fitCostRelative([{ patterns: 1, ms: 0.001 }, { patterns: 100, ms: 1 }, { patterns: 1000, ms: 12 }]);
    expect(steep.overheadMs).toBe(0);
    expect(steep.perPatternUs).toBeGreaterThan(0);
  });
});

describe('metta calibrate', () => {
  it('writes a cost model for the CPU and the pool, which metta query then uses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metta-calibrate-'));
    const file = join(dir, 'calibration.json');
    const r = metta(['calibrate', '--gpu', 'off', '--workers', '2', '--facts', '2000'], { METTA_CALIBRATION: file });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^cpu +1: [\d.]+ ms, 4: .*, 64: .*, 1024: .*, 4096: [\d.]+ ms \(as a line: [\d.]+ ms per batch \+ [\d.]+ µs per pattern\)$/m);
    expect(r.out).toMatch(/^pool +1: /m);
    const model = parseCostModel(readFileSync(file, 'utf8'));
    expect(model?.paths.cpu).toBeDefined();
    expect(model?.paths.pool).toBeDefined();
    expect(model?.paths.gpu).toBeUndefined();
    // The timings are saved with the line: the scheduler follows them.
    expect(model?.paths.cpu?.samples?.map((s) => s.patterns)).toEqual([1, 4, 16, 64, 256, 1024, 4096]);
    expect(model?.paths.pool?.samples).toHaveLength(7);

    writeFileSync(join(dir, 'kb.metta'), Array.from({ length: 50 }, (_, i) => `(edge n${i % 7} n${i % 5})`).join('\n'));
    writeFileSync(join(dir, 'p.metta'), '(edge n1 $y)\n(edge $x n2)\n');
    const q = metta(['query', join(dir, 'kb.metta'), join(dir, 'p.metta'), '--log', 'info'], { METTA_CALIBRATION: file });
    expect(q.code).toBe(0);
    expect(q.out.split('\n').length).toBe(3);
    expect(q.err).toMatch(/scheduler over cpu \(calibrated 20\d\d-/);
    expect(q.err).toMatch(/scheduler: cpu: 1 batch\(es\), 2 patterns, predicted [\d.]+ ms, measured [\d.]+ ms/);
  });

  it('rejects bad arguments with a usage error', () => {
    const r = metta(['calibrate', '--workers', 'zero'], {});
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--workers expects a positive integer, got 'zero'/);
  });
});
