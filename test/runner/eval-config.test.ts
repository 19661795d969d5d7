// EvalConfig presets size the pool for real, and the adaptive sizer moves within min..max.

import { describe, expect, it } from 'vitest';
import { evalConfig, preset } from '../../src/runner/eval-config.js';
import { EvalPool } from '../../src/runner/eval-pool.js';

describe('EvalConfig', () => {
  it('derives the presets from the core count, as the seed defines them', () => {
    expect(preset('default', 8)).toMatchObject({ minWorkers: 1, maxWorkers: 8, adaptive: true });
    expect(preset('cpuOptimized', 8)).toMatchObject({ minWorkers: 8, maxWorkers: 16 });
    expect(preset('memoryOptimized', 8)).toMatchObject({ maxWorkers: 8 });
    expect(preset('throughputOptimized', 8)).toMatchObject({ maxWorkers: 32 });
  });

  it('fixes the pool size with workers, and rejects impossible sizes', () => {
    expect(evalConfig('cpuOptimized', { workers: 3 })).toMatchObject({ minWorkers: 3, maxWorkers: 3, adaptive: false });
    expect(() => evalConfig('default', { workers: 0 })).toThrow(/maxWorkers must be a positive integer/);
    expect(() => evalConfig('default', { minWorkers: 5, maxWorkers: 2 })).toThrow(/minWorkers must be between 1 and maxWorkers/);
  });

  it('the pool starts wide, halves its concurrency when idle and doubles it under backlog', async () => {
    const pool = new EvalPool(evalConfig('default', { minWorkers: 1, maxWorkers: 8, adaptive: true }));
    expect(pool.concurrency).toBe(8);
    pool.adapt(0.2, 0);
    expect(pool.concurrency).toBe(4);
    pool.adapt(0.1, 0);
    pool.adapt(0.1, 0);
    pool.adapt(0.1, 0);
    expect(pool.concurrency).toBe(1);
    pool.adapt(0.9, 10);
    expect(pool.concurrency).toBe(2);
    pool.adapt(0.6, 10); // neither idle nor saturated: unchanged
    expect(pool.concurrency).toBe(2);
    const fixed = new EvalPool(evalConfig('default', { workers: 4 }));
    fixed.adapt(0.1, 0);
    expect(fixed.concurrency).toBe(4);
    expect(pool.started).toBe(false); // nothing ran, so no thread was started
    await pool.close();
  });
});
