// The scheduler's decisions against fake cost models, the fit, and the cache file.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CostModel, DEFAULT_COST_MODEL, fitCost, loadCostModel, type PathCost, parseCostModel, predictMs, saveCostModel } from '../../src/scheduler/cost-model.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';

const MODEL: CostModel = {
  paths: {
    cpu: { overheadMs: 0, perPatternUs: 20 },
    pool: { overheadMs: 10, perPatternUs: 11 },
    gpu: { overheadMs: 50, perPatternUs: 1 },
  },
};

describe('Scheduler', () => {
  it('picks the path predicted fastest for each batch size among those available', () => {
    const s = new Scheduler(MODEL, ['cpu', 'pool', 'gpu']);
    expect(s.choose(100).path).toBe('cpu'); // 2 ms vs 11.1 vs 50.1
    expect(s.choose(2000).path).toBe('pool'); // 40 vs 32 vs 52
    expect(s.choose(100_000).path).toBe('gpu'); // 2000 vs 1110 vs 150
    expect(s.crossover('gpu')).toBe(2632);
    expect(s.crossover('pool')).toBe(1112);
    const cpuOnly = new Scheduler(MODEL, []);
    expect(cpuOnly.choose(100_000).path).toBe('cpu');
  });

  it('takes a forced path when it is available, and falls back to the CPU once a path is dropped', () => {
    const s = new Scheduler(MODEL, ['cpu', 'gpu'], 'gpu');
    expect(s.choose(1).path).toBe('gpu');
    s.drop('gpu'); // the GPU failed
    expect(s.isAvailable('gpu')).toBe(false);
    expect(s.choose(100_000).path).toBe('cpu');
    s.drop('cpu');
    expect(s.isAvailable('cpu')).toBe(true); // the CPU can always answer
    const d = s.decisions[0]!;
    s.measured(d, 3);
    expect(s.summary()).toMatch(/^gpu: 1 batch\(es\), 1 patterns, predicted 50\.0 ms, measured 3\.0 ms; cpu: 1 batch\(es\)/);
  });

  it('never leaves the CPU with the uncalibrated defaults', () => {
    const s = new Scheduler(DEFAULT_COST_MODEL, ['cpu', 'pool', 'gpu']);
    for (const n of [1, 1000, 1_000_000]) expect(s.choose(n).path).toBe('cpu');
  });
});

/** A cost with measured samples (the line is what an older reader would use instead). */
const sampled = (points: [number, number][], line: Pick<PathCost, 'overheadMs' | 'perPatternUs'> = { overheadMs: 0, perPatternUs: 0 }): PathCost => ({
  ...line,
  samples: points.map(([patterns, ms]) => ({ patterns, ms })),
});

// Shaped as the 2-core machine's calibration (docs/performance.md): the pool's small batches are
// slower than the CPU's, its large ones faster, though a line through its samples has a cost per
// pattern above the CPU's (so a line-only model never chose it).
const CURVED: CostModel = {
  paths: {
    cpu: sampled([[1, 0.05], [8, 0.57], [64, 5.16], [512, 45.23], [4096, 319.94]], { overheadMs: 0, perPatternUs: 64.18 }),
    pool: sampled([[1, 0.18], [8, 0.72], [64, 6.68], [512, 37.43], [4096, 222.24]], { overheadMs: 0.11, perPatternUs: 68.25 }),
    gpu: sampled([[1, 0.82], [8, 3.94], [64, 20.49], [512, 116.42], [4096, 992.92]], { overheadMs: 0.61, perPatternUs: 261.85 }),
  },
};

describe('Scheduler with measured samples', () => {
  it('follows the samples, not the line', () => {
    const s = new Scheduler(CURVED, ['cpu', 'pool', 'gpu']);
    for (const n of [1, 8, 64]) expect(s.choose(n).path).toBe('cpu');
    for (const n of [256, 512, 1000, 4096, 100_000]) expect(s.choose(n).path).toBe('pool');
    expect(s.predict('pool', 512)).toBe(37.43);
    // pool - cpu is +1.52 ms at 64 and -7.8 ms at 512, linear between: it changes sign at 137.0.
    expect(s.crossover('pool')).toBe(138);
    expect(s.preferred(137)).toBe('cpu');
    expect(s.preferred(138)).toBe('pool');
    expect(s.crossover('gpu')).toBeNull();
    expect(s.crossover('cpu')).toBeNull();
    // The line-only model of the same calibration never chose the pool.
    const lines: CostModel = { paths: { cpu: { overheadMs: 0, perPatternUs: 64.18 }, pool: { overheadMs: 0.11, perPatternUs: 68.25 } } };
    expect(new Scheduler(lines, ['cpu', 'pool']).crossover('pool')).toBeNull();
  });

  it('requires the path to stay faster at every larger size: a later loss moves the crossover up', () => {
    const model: CostModel = {
      paths: {
        cpu: sampled([[1, 1], [10, 10], [100, 100], [1000, 1000]]),
        // faster at 10, slower at 100, faster again from 1000 on (and in the extrapolation)
        pool: sampled([[1, 2], [10, 5], [100, 120], [1000, 500]]),
      },
    };
    const s = new Scheduler(model, ['cpu', 'pool']);
    expect(s.preferred(10)).toBe('pool');
    expect(s.preferred(100)).toBe('cpu');
    // between 100 and 1000: pool 120 + (n - 100) * 380 / 900 against the CPU's n: equal at 134.7
    const c = s.crossover('pool')!;
    expect(c).toBe(135);
    expect(predictMs(model.paths.pool!, c)).toBeLessThan(predictMs(model.paths.cpu!, c));
    expect(predictMs(model.paths.pool!, c - 1)).toBeGreaterThanOrEqual(predictMs(model.paths.cpu!, c - 1));
    expect(c).toBeGreaterThan(100);
    expect(c).toBeLessThan(1000);
    for (let n = c; n <= 5000; n += 7) expect(s.preferred(n)).toBe('pool');
    // A limit inside the region where the pool wins: the same answer; one where it loses: null.
    expect(s.crossover('pool', 2000)).toBe(c);
    expect(s.crossover('pool', 100)).toBeNull();
  });

  it('gives null when the extrapolation makes the path lose beyond the last sample, and 1 when it always wins', () => {
    const model: CostModel = {
      paths: {
        cpu: sampled([[1, 1], [100, 10]]), // slope 0.0909 ms per pattern beyond 100
        gpu: sampled([[1, 0.5], [100, 5], [200, 20]]), // slope 0.15 beyond 200: loses from 300 on
        pool: sampled([[1, 0.5], [100, 5]]), // always below
      },
    };
    const s = new Scheduler(model, ['cpu', 'gpu', 'pool']);
    expect(s.preferred(150)).not.toBe('cpu');
    expect(s.crossover('gpu')).toBeNull();
    expect(s.crossover('gpu', 150)).toBe(1);
    expect(s.crossover('pool')).toBe(1);
  });

  it('mixes a sampled path with a line-only one', () => {
    const model: CostModel = {
      paths: {
        cpu: { overheadMs: 0, perPatternUs: 100 }, // 0.1 ms per pattern
        gpu: sampled([[1, 5], [64, 6], [4096, 20]]),
      },
    };
    const s = new Scheduler(model, ['cpu', 'gpu']);
    // 5 + (n - 1) / 63 = 0.1 n at n = 314 / 5.3 = 59.2: faster from 60
    expect(s.crossover('gpu')).toBe(60);
    expect(s.preferred(59)).toBe('cpu');
    expect(s.preferred(60)).toBe('gpu');
  });
});

describe('cost model', () => {
  it('interpolates linearly in the batch size between samples, and extrapolates by the last slope', () => {
    const cost = sampled([[4, 2], [16, 5], [64, 9]], { overheadMs: 1000, perPatternUs: 1000 });
    expect(predictMs(cost, 4)).toBe(2);
    expect(predictMs(cost, 10)).toBeCloseTo(3.5, 12);
    expect(predictMs(cost, 16)).toBe(5);
    expect(predictMs(cost, 40)).toBeCloseTo(7, 12);
    expect(predictMs(cost, 64)).toBe(9);
    // below the first sample: the first sample's time
    expect(predictMs(cost, 1)).toBe(2);
    expect(predictMs(cost, 0)).toBe(2);
    // beyond the last: the last segment's slope (4 ms per 48 patterns)
    expect(predictMs(cost, 64 + 480)).toBeCloseTo(49, 12);
    // a last segment that falls (noise) extrapolates flat, never down
    const falling = sampled([[1, 1], [100, 30], [1000, 20]]);
    expect(predictMs(falling, 550)).toBeCloseTo(25, 12);
    expect(predictMs(falling, 10_000)).toBe(20);
    // one sample: that time at every size
    expect(predictMs(sampled([[8, 3]]), 1)).toBe(3);
    expect(predictMs(sampled([[8, 3]]), 1000)).toBe(3);
    // no samples: the line
    expect(predictMs({ overheadMs: 1, perPatternUs: 10 }, 100)).toBeCloseTo(2, 12);
  });

  it('round-trips samples, still loads files without them, and rejects damaged ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metta-cal-'));
    const file = join(dir, 'calibration.json');
    saveCostModel(CURVED, file);
    expect(loadCostModel(file)).toEqual({ model: CURVED, calibrated: true });
    // a file written before the samples were saved: the lines
    const old = parseCostModel('{"paths": {"cpu": {"overheadMs": 0, "perPatternUs": 64.18}, "pool": {"overheadMs": 0.11, "perPatternUs": 68.25}}, "date": "2026-11-28"}');
    expect(old).toEqual({ paths: { cpu: { overheadMs: 0, perPatternUs: 64.18 }, pool: { overheadMs: 0.11, perPatternUs: 68.25 } }, date: '2026-11-28' });
    expect(old!.paths.cpu!.samples).toBeUndefined();
    const withSamples = (samples: string): string => `{"paths": {"cpu": {"overheadMs": 0, "perPatternUs": 1, "samples": ${samples}}}}`;
    expect(parseCostModel(withSamples('[{"patterns": 1, "ms": 0.1}, {"patterns": 8, "ms": 0.5}]'))?.paths.cpu?.samples).toHaveLength(2);
    for (const damaged of [
      '[]',
      '{}',
      '"1: 0.1"',
      '[null]',
      '[{"patterns": 1}]',
      '[{"patterns": 0, "ms": 1}]',
      '[{"patterns": 1.5, "ms": 1}]',
      '[{"patterns": 1, "ms": -1}]',
      '[{"patterns": 1, "ms": "1"}]',
      '[{"patterns": 8, "ms": 1}, {"patterns": 8, "ms": 2}]',
      '[{"patterns": 8, "ms": 1}, {"patterns": 4, "ms": 2}]',
    ]) {
      expect(parseCostModel(withSamples(damaged)), damaged).toBeNull();
      writeFileSync(file, withSamples(damaged));
      expect(loadCostModel(file)).toEqual({ model: DEFAULT_COST_MODEL, calibrated: false });
    }
    expect(parseCostModel('{"paths": {"cpu": {"overheadMs": 0, "perPatternUs": 1, "samples": [{"patterns": 1, "ms": 1e999}]}}}')).toBeNull(); // Infinity
  });

  it('fits overhead and per-pattern cost by least squares', () => {
    const fit = fitCost([
      { patterns: 100, ms: 5 + 0.1 },
      { patterns: 1000, ms: 5 + 1 },
      { patterns: 10_000, ms: 5 + 10 },
    ]);
    expect(fit.overheadMs).toBeCloseTo(5, 6);
    expect(fit.perPatternUs).toBeCloseTo(1, 6);
  });

  it('round-trips through the cache file, and ignores a missing or damaged one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metta-cal-'));
    const file = join(dir, 'sub', 'calibration.json');
    expect(loadCostModel(file)).toEqual({ model: DEFAULT_COST_MODEL, calibrated: false });
    saveCostModel({ ...MODEL, machine: 'test', date: '2026-11-28' }, file);
    expect(loadCostModel(file)).toEqual({ model: { ...MODEL, machine: 'test', date: '2026-11-28' }, calibrated: true });
    writeFileSync(file, '{"paths": {"cpu": {"overheadMs": -1, "perPatternUs": 2}}}');
    expect(loadCostModel(file).calibrated).toBe(false);
    expect(parseCostModel('not json')).toBeNull();
    expect(parseCostModel('{"paths": {"gpu": {"overheadMs": 1, "perPatternUs": 2}}}')).toBeNull(); // no CPU
  });
});
