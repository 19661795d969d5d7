// planPool: when `metta query` makes the pool a candidate. Its start-up includes building the
// frozen trie its threads read when none is built yet (the CPU answers through the live index, so
// a run that never uses the pool or the GPU never builds one).

import { describe, expect, it } from 'vitest';
import { planPool, POOL_START_MS, TRIE_BUILD_US_PER_ATOM } from '../../src/query/index.js';
import type { CostModel } from '../../src/scheduler/index.js';

// The pool saves 5 ms per pattern over the CPU: 400 patterns save 2,000 ms.
const model: CostModel = { paths: { cpu: { overheadMs: 0, perPatternUs: 10_000 }, pool: { overheadMs: 0, perPatternUs: 5_000 } } } as CostModel;
const plan = (trieAtoms: number) => planPool({ model, calibrated: true, gpu: 'off', workers: null, others: ['cpu'], batch: 100, total: 400, trieAtoms, cores: 2 });

describe('planPool', () => {
  it('counts building the frozen trie in the start-up the run must pay', () => {
    expect(plan(0).mode).toBe('candidate');
    expect(plan(0).reason).toMatch(/start-up 200 ms\)$/);
    // Just below and above the atoms whose trie costs the 1,800 ms left over by the start-up.
    const limit = ((2_000 - POOL_START_MS) * 1000) / TRIE_BUILD_US_PER_ATOM;
    expect(plan(Math.floor(limit * 0.99)).mode).toBe('candidate');
    const big = plan(Math.ceil(limit * 1.01));
    expect(big.mode).toBe('none');
    expect(big.reason).toMatch(/cannot pay its start-up .* ms to build the frozen trie\)$/);
  });
});
