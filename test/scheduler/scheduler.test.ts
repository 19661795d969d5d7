// The scheduler's decisions against fake cost models, the fit, and the cache file.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CostModel, DEFAULT_COST_MODEL, fitCost, loadCostModel, parseCostModel, saveCostModel } from '../../src/scheduler/cost-model.js';
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

describe('cost model', () => {
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
