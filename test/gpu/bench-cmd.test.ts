// `metta bench --gpu on`: a tiny kb-match run measures the GPU trie kernel and the brute-force
// baseline besides the CPU paths, then `--gpu auto` with a calibration that includes the GPU, and
// the chart has their series. No timed assertions.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SweepFigures } from '../../src/bench/kb-sweep.js';
import { outsideViewBox } from '../helpers/svg-extent.js';
import { allElements, parseXml } from '../helpers/xml.js';
import { gpuAdapterOutOfProcess, noGpu } from './helpers.js';

let adapter: string | null = null;
beforeAll(async () => {
  adapter = gpuAdapterOutOfProcess(); // the command opens its own device
});

describe('metta bench --gpu on', () => {
  it('measures every path and draws each', (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const dir = mkdtempSync(join(tmpdir(), 'metta-bench-gpu-'));
    const json = join(dir, 'bench.json');
    const svg = join(dir, 'bench.svg');
    const r = spawnSync(process.execPath, ['bin/metta.js', 'bench', '--tiny', '--suite', 'kb-match', '--gpu', 'on', '--json', json, '--svg', svg], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const sweep = (JSON.parse(readFileSync(json, 'utf8')) as { kbSweep: SweepFigures }).kbSweep;
    expect(sweep.adapter).toBe(adapter);
    expect(Object.keys(sweep.series).sort()).toEqual(['auto', 'cpu', 'cpu-pool', 'gpu', 'gpu-brute']);
    expect(sweep.series.gpu!.map((p) => p.batch)).toEqual([1, 10, 100]);
    expect(Object.keys(sweep.crossover).sort()).toEqual(['cpu-pool', 'gpu', 'gpu-brute']);
    // auto: the calibration measured the GPU, so `metta query --gpu auto` would open it and choose per batch.
    const auto = sweep.auto!;
    expect(auto.model.paths.gpu).toBeDefined();
    // The pool is a candidate too when the calibration gave it a cost (metta query without --workers).
    expect(auto.available.filter((p) => p !== 'pool')).toEqual(['cpu', 'gpu']);
    expect(auto.measuredCrossover.gpu).toBe(sweep.crossover.gpu);
    for (const p of auto.points) {
      expect(auto.available).toContain(p.chose);
      expect(Object.keys(p.timedMs).sort()).toEqual(['cpu', 'cpu-pool', 'gpu']);
    }
    expect(auto.summary.gpuSizes).toBe(3);
    expect(r.stdout).toMatch(/^GPU crossover: predicted by the calibrated model (never|from [\d,]+ patterns); measured (none in this range|from [\d,]+)$/m);
    const root = parseXml(readFileSync(svg, 'utf8'));
    const series = allElements(root).filter((e) => e.attrs['class'] === 'series').map((e) => e.attrs['data-series']);
    expect(series).toEqual(['cpu', 'cpu-pool', 'gpu', 'gpu-brute', 'auto']);
    // The GPU paths are timed in the same rounds as the others: each point is a median of its samples.
    for (const path of ['gpu', 'gpu-brute'] as const) {
      for (const q of sweep.series[path]!) {
        expect(q.samples).toBeGreaterThanOrEqual(2);
        expect(q.minMs).toBeLessThanOrEqual(q.medianMs);
        expect(q.medianMs).toBeLessThanOrEqual(q.maxMs);
      }
    }
    for (const p of auto.points) expect(p.timedMs.gpu).toBe(sweep.series.gpu!.find((q) => q.batch === p.batch)!.medianMs);
    expect(outsideViewBox(root)).toEqual([]);
  });
});
