// `metta bench`: a tiny run writes the JSON figures and the SVG chart with the expected structure
// (no timed assertions); the chart itself is well-formed XML with one series per path and the
// crossover marked. The GPU paths are tested in test/gpu/bench-cmd.test.ts.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossoverOf, type SweepFigures, sweepChart } from '../../bench/kb-sweep.js';
import { throughputChart } from '../../bench/svg.js';
import { allElements, parseXml } from '../helpers/xml.js';

function metta(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/metta.js', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const seriesOf = (svg: string): string[] =>
  allElements(parseXml(svg))
    .filter((e) => e.name === 'g' && e.attrs['class'] === 'series')
    .map((e) => e.attrs['data-series']!);

describe('metta bench', () => {
  it('--tiny writes JSON and an SVG chart with the expected structure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metta-bench-'));
    const json = join(dir, 'bench.json');
    const svg = join(dir, 'bench.svg');
    const r = metta(['bench', '--tiny', '--suite', 'kb-match,memory', '--gpu', 'off', '--workers', '2', '--json', json, '--svg', svg]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('kb-match by batch size');
    expect(r.out).toContain('CPU trie patterns/s');
    const figures = JSON.parse(readFileSync(json, 'utf8')) as {
      mode: string;
      machine: { cpus: number };
      kbMatch: { tasks: Record<string, { patternsPerSec: number }> };
      kbSweep: SweepFigures;
      memory: { bytesPerAtom: number }[];
      interp?: unknown;
    };
    expect(figures.mode).toBe('tiny');
    expect(figures.machine.cpus).toBeGreaterThan(0);
    expect(figures.interp).toBeUndefined();
    expect(Object.keys(figures.kbMatch.tasks)).toContain('naiveMatch, naive subset');
    expect(figures.memory).toHaveLength(2);
    expect(figures.memory[0]!.bytesPerAtom).toBeGreaterThan(0);
    const sweep = figures.kbSweep;
    expect(Object.keys(sweep.series).sort()).toEqual(['cpu', 'cpu-pool']);
    for (const path of ['cpu', 'cpu-pool'] as const) {
      expect(sweep.series[path]!.map((p) => p.batch)).toEqual([1, 10, 100]);
      for (const p of sweep.series[path]!) expect(p.patternsPerSec).toBeGreaterThan(0);
    }
    expect(Object.keys(sweep.crossover)).toEqual(['cpu-pool']);
    expect(sweep.notes.join(' ')).toContain('GPU paths skipped (--gpu off)');
    const text = readFileSync(svg, 'utf8');
    expect(seriesOf(text)).toEqual(['cpu', 'cpu-pool']);
    const labels = allElements(parseXml(text)).filter((e) => e.name === 'text').map((e) => e.text);
    expect(labels).toContain('batch size (patterns) (log scale)');
    expect(labels).toContain('throughput (patterns/s) (log scale)');
  });

  it('refuses bad arguments with exit 2', () => {
    expect(metta(['bench', '--quick', '--tiny']).code).toBe(2);
    const svgOnly = metta(['bench', '--suite', 'memory', '--svg', '/tmp/x.svg']);
    expect(svgOnly.code).toBe(2);
    expect(svgOnly.err).toContain('--svg draws the kb-match suite');
    expect(metta(['bench', '--suite', 'nope']).err).toContain("unknown suite 'nope'");
    expect(metta(['bench', '--help']).out).toContain('Usage: metta bench');
  });
});

describe('the throughput chart', () => {
  const point = (batch: number, patternsPerSec: number) => ({ batch, meanMs: batch / patternsPerSec * 1000, runs: 3, patternsPerSec });
  const figures: SweepFigures = {
    options: { facts: 100_000, nodes: 10_000, seed: 1, sizes: [1, 10, 100, 1000, 10000], gpuMaxBatch: 10000, bruteMaxCells: 1e9, minMs: 1, gpu: 'on', workers: 2 },
    adapter: 'test & adapter <x>',
    notes: [],
    series: {
      cpu: [point(1, 20_000), point(10, 30_000), point(100, 30_000), point(1000, 30_000), point(10000, 30_000)],
      'cpu-pool': [point(1, 500), point(10, 5_000), point(100, 40_000), point(1000, 55_000), point(10000, 58_000)],
      gpu: [point(1, 50), point(10, 500), point(100, 5_000), point(1000, 50_000), point(10000, 400_000)],
      'gpu-brute': [point(1, 40), point(10, 300), point(100, 2_000)],
    },
    crossover: {},
  };
  const withCrossovers: SweepFigures = {
    ...figures,
    crossover: {
      'cpu-pool': crossoverOf(figures.series.cpu!, figures.series['cpu-pool']!),
      gpu: crossoverOf(figures.series.cpu!, figures.series.gpu!),
      'gpu-brute': crossoverOf(figures.series.cpu!, figures.series['gpu-brute']!),
    },
  };

  it('finds the crossover: the smallest batch from which a path wins at every larger size', () => {
    expect(withCrossovers.crossover).toEqual({ 'cpu-pool': 100, gpu: 1000, 'gpu-brute': null });
    expect(crossoverOf([point(1, 10), point(10, 10), point(100, 10)], [point(1, 20), point(10, 5), point(100, 20)])).toBe(100);
  });

  it('is well-formed XML with one series per path and the crossovers marked', () => {
    const svg = sweepChart(withCrossovers, withCrossovers.adapter!);
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(seriesOf(svg)).toEqual(['cpu', 'cpu-pool', 'gpu', 'gpu-brute']);
    const els = allElements(root);
    const marks = els.filter((e) => e.attrs['class'] === 'mark').map((e) => [e.attrs['data-series'], e.attrs['data-x']]);
    expect(marks).toEqual([['cpu-pool', '100'], ['gpu', '1000']]);
    const gpu = els.find((e) => e.attrs['data-series'] === 'gpu' && e.attrs['class'] === 'series')!;
    expect(gpu.children.filter((c) => c.name === 'circle')).toHaveLength(5);
    expect(gpu.children.find((c) => c.name === 'polyline')!.attrs['points']!.split(' ')).toHaveLength(5);
    expect(els.some((e) => e.name === 'text' && e.text === 'test &amp; adapter &lt;x&gt;')).toBe(true);
    expect(els.some((e) => e.attrs['class'] === 'note' && e.text.includes('no crossover in this range'))).toBe(true);
  });

  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow();
    expect(() => parseXml('<svg><text>a & b</text></svg>')).toThrow();
    expect(() => throughputChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })).not.toThrow();
  });
});
