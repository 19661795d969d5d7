// `metta bench`: a tiny run writes the JSON figures and the SVG chart with the expected structure
// (no timed assertions), the `--gpu auto` series and its summary included; the chart itself is
// well-formed XML with one series per path and the crossover marked. The GPU paths are tested in
// test/gpu/bench-cmd.test.ts.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUTO_MIN_SAMPLES, AUTO_TOLERANCE, type AutoPoint, crossoverOf, pointCell, pointOf, summarizeAuto, type SweepFigures, sweepChart, type SweepPath } from '../../src/bench/kb-sweep.js';
import { throughputChart } from '../../src/bench/svg.js';
import { predictMs } from '../../src/scheduler/cost-model.js';
import { outsideViewBox } from '../helpers/svg-extent.js';
import { allElements, parseXml, type XmlElement } from '../helpers/xml.js';

function metta(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/metta.js', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const seriesOf = (svg: string): string[] =>
  allElements(parseXml(svg))
    .filter((e) => e.name === 'g' && e.attrs['class'] === 'series')
    .map((e) => e.attrs['data-series']!);

describe('metta bench', () => {
  // One tiny run, shared by the tests below.
  let r: { code: number | null; out: string; err: string };
  let json: string;
  let svg: string;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'metta-bench-'));
    json = join(dir, 'bench.json');
    svg = join(dir, 'bench.svg');
    r = metta(['bench', '--tiny', '--suite', 'kb-match,memory', '--gpu', 'off', '--workers', '2', '--json', json, '--svg', svg]);
  }, 300_000);

  it('--tiny writes JSON and an SVG chart with the expected structure', () => {
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
    expect(Object.keys(sweep.series).sort()).toEqual(['auto', 'cpu', 'cpu-pool']);
    for (const path of ['cpu', 'cpu-pool', 'auto'] as const) {
      expect(sweep.series[path]!.map((p) => p.batch)).toEqual([1, 10, 100]);
      for (const p of sweep.series[path]!) expect(p.patternsPerSec).toBeGreaterThan(0);
    }
    expect(Object.keys(sweep.crossover)).toEqual(['cpu-pool']);
    expect(sweep.notes.join(' ')).toContain('GPU paths skipped (--gpu off)');
    const text = readFileSync(svg, 'utf8');
    expect(seriesOf(text)).toEqual(['cpu', 'cpu-pool', 'auto']);
    const labels = allElements(parseXml(text)).filter((e) => e.name === 'text').map((e) => e.text);
    expect(labels).toContain('batch size (patterns) (log scale)');
    expect(labels).toContain('throughput (patterns/s) (log scale)');
  });

  it('times --gpu auto after a calibration and summarizes it against the best path', () => {
    expect(r.code).toBe(0);
    expect(r.out).toContain('calibrating the cost model as metta calibrate does');
    expect(r.out).toMatch(/^ {2}cpu +1: [\d.]+ ms, 4: .*, 4096: [\d.]+ ms \(as a line: [\d.]+ ms per batch \+ [\d.]+ µs per pattern\)$/m);
    expect(r.out).toMatch(/^auto within 10% of the best path .* at \d of 3 sizes; worst \d+\.\d\dx at size \d+$/m);
    expect(r.out).toMatch(/^GPU crossover: predicted by the calibrated model (never|from [\d,]+ patterns); measured not measured$/m);
    const auto = (JSON.parse(readFileSync(json, 'utf8')) as { kbSweep: SweepFigures }).kbSweep.auto!;
    expect(auto).toBeDefined();
    // The model is the calibration's, kept in memory: the CPU and the pool, no GPU (--gpu off).
    expect(Object.keys(auto.model.paths).sort()).toEqual(['cpu', 'pool']);
    expect(auto.calibrationSamples.cpu!.map((s) => s.patterns)).toEqual([1, 4, 16, 64, 256, 1024, 4096]);
    expect(auto.model.paths.cpu!.samples).toEqual(auto.calibrationSamples.cpu);
    // The pool is a candidate of auto, as metta query makes it one (calibrated, more than one core).
    expect(auto.available).toEqual(availableParallelism() > 1 ? ['cpu', 'pool'] : ['cpu']);
    expect(auto.predictedCrossover.gpu).toBeNull();
    expect(auto.measuredCrossover.gpu).toBeUndefined();
    expect(auto.points.map((p) => p.batch)).toEqual([1, 10, 100]);
    for (const p of auto.points) {
      expect(auto.available).toContain(p.chose);
      expect(Object.keys(p.timedMs).sort()).toEqual(['cpu', 'cpu-pool']);
      expect(p.timedSamples.cpu).toBeGreaterThanOrEqual(AUTO_MIN_SAMPLES);
      expect(['cpu', 'cpu-pool']).toContain(p.best.path);
      expect(p.ratio).toBeCloseTo(p.medianMs / p.timedMs[p.best.path]!, 9);
      expect(p.ratioChosen).toBeCloseTo(p.medianMs / p.timedMs[p.chose === 'pool' ? 'cpu-pool' : 'cpu']!, 9);
      expect(p.within).toBe(p.ratio <= AUTO_TOLERANCE);
      expect(p.bestAll).toEqual(p.best);
      // The run from which metta query would make the pool a candidate: where it is predicted faster.
      const pool = auto.model.paths.pool!;
      const cpu = auto.model.paths.cpu!;
      const faster = predictMs(pool, p.batch) < predictMs(cpu, p.batch);
      expect(p.poolBreakEven === null).toBe(!faster);
      if (p.chose === 'pool') expect(faster).toBe(true);
    }
    if (auto.points.some((p) => p.chose === 'pool')) expect(auto.poolStart).toMatchObject({ batch: auto.points.find((p) => p.chose === 'pool')!.batch });
    else expect(auto.poolStart).toBeNull();
    const s = auto.summary;
    expect(s.sizes).toBe(3);
    expect(s.within).toBe(auto.points.filter((p) => p.within).length);
    expect(s.lines[0]).toMatch(/^auto within 10% of the best path/);
    expect(s.lines[0]).toMatch(auto.available.includes('pool') ? /^auto within 10% of the best path \(of CPU trie and CPU pool, the paths --gpu auto chooses between\)/ : /^auto within 10% of the best path \(of CPU trie, the paths/);
    expect(notesOf(readFileSync(svg, 'utf8'))).toContain('auto ≤ 1.10x best at ');
  });

  it('prints, saves and draws the same figures: every series timed in the same interleaved rounds', () => {
    expect(r.code).toBe(0);
    const sweep = (JSON.parse(readFileSync(json, 'utf8')) as { kbSweep: SweepFigures }).kbSweep;
    const paths = Object.keys(sweep.series) as SweepPath[];
    // The table: one row per size, one cell per path, each the point's median and spread.
    const lines = r.out.split('\n');
    const head = lines.findIndex((l) => l.startsWith("median of each path's interleaved samples"));
    expect(head).toBeGreaterThan(-1);
    const rows = lines.slice(head + 3, head + 3 + sweep.options.sizes.length).map((l) => l.trim().split(/ {2,}/));
    const columns = lines[head + 1]!.trim().split(/ {2,}/).slice(1);
    expect(columns).toEqual(paths.map((p) => `${({ cpu: 'CPU trie', 'cpu-pool': 'CPU pool', auto: '--gpu auto (calibrated)' } as Record<string, string>)[p]} patterns/s`));
    sweep.options.sizes.forEach((size, i) => {
      expect(rows[i]![0]).toBe(size.toLocaleString('en-US'));
      paths.forEach((p, c) => expect(rows[i]![c + 1]).toBe(pointCell(sweep.series[p]!.find((q) => q.batch === size)!)));
    });
    // The chart: each point's value and spread are the JSON's.
    const root = parseXml(readFileSync(svg, 'utf8'));
    for (const p of paths) {
      const g = allElements(root).find((e) => e.attrs['class'] === 'series' && e.attrs['data-series'] === p)!;
      const drawn = g.children.filter((c) => c.name === 'circle').map((c) => [Number(c.attrs['data-x']), Number(c.attrs['data-y']), Number(c.attrs['data-lo']), Number(c.attrs['data-hi'])]);
      expect(drawn).toEqual(sweep.series[p]!.map((q) => [q.batch, q.patternsPerSec, q.slowestPatternsPerSec, q.fastestPatternsPerSec]));
    }
    // auto's comparison is made of the same points.
    for (const a of sweep.auto!.points) {
      const at = (p: SweepPath) => sweep.series[p]!.find((q) => q.batch === a.batch)!;
      expect(a.medianMs).toBe(at('auto').medianMs);
      for (const [p, ms] of Object.entries(a.timedMs)) expect(ms).toBe(at(p as SweepPath).medianMs);
    }
    // Every path at every size had the same number of samples (none was dropped as slow here).
    for (const p of paths) for (const q of sweep.series[p]!) {
      expect(q.samples).toBeGreaterThanOrEqual(AUTO_MIN_SAMPLES);
      expect(q.samples).toBe(sweep.series.cpu!.find((c) => c.batch === q.batch)!.samples);
      expect(q.minMs).toBeLessThanOrEqual(q.medianMs);
      expect(q.medianMs).toBeLessThanOrEqual(q.maxMs);
    }
    expect(outsideViewBox(root)).toEqual([]);
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

/** The notes under the chart, as one text (they are wrapped into lines). */
function notesOf(svg: string): string {
  return allElements(parseXml(svg)).filter((e: XmlElement) => e.attrs['class'] === 'note').map((e) => e.text).join(' ');
}

describe('the throughput chart', () => {
  const point = (batch: number, patternsPerSec: number) => {
    const ms = (batch / patternsPerSec) * 1000;
    return pointOf(batch, { samplesMs: [ms * 1.2, ms, ms * 0.9], runs: 3 });
  };
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
    expect(notesOf(svg)).toContain('GPU brute force (gpu.js): no crossover with the CPU trie in this range.');
    expect(notesOf(svg)).toContain("Each point: the median of its path's samples");
    // The spread of each point, as a bar.
    expect(gpu.children.filter((c) => c.name === 'path' && c.attrs['class'] === 'spread')).toHaveLength(5);
    expect(outsideViewBox(root)).toEqual([]);
  });

  it('keeps every text inside the canvas: long titles, names, notes and marks at the edges', () => {
    const long = 'a very long label that would run off the edge of any reasonable chart '.repeat(3).trim();
    const spec = {
      title: `kb-match: ${long}`,
      subtitle: `2026-12-02, ${long}`,
      xLabel: 'batch size (patterns)',
      yLabel: 'throughput (patterns/s)',
      series: [
        { id: 'a', name: 'GPU brute force (gpu.js) with an unusually long series name', points: [{ x: 1, y: 10, lo: 5, hi: 20 }, { x: 1e6, y: 1e7, lo: 9e6, hi: 1.1e7 }] },
        { id: 'b', name: 'WWWWWWWWWWMMMMMMMMMM', points: [{ x: 10, y: 100 }] },
      ],
      marks: [
        { id: 'a', x: 1, label: `at the left edge: ${long}` },
        { id: 'b', x: 1e6, label: `at the right edge: ${long}` },
        { id: 'b', x: 1000, label: 'in the middle' },
      ],
      notes: [long, `${long} ${long}`, 'x'.repeat(400)],
    };
    const root = parseXml(throughputChart(spec));
    expect(outsideViewBox(root)).toEqual([]);
    const texts = allElements(root).filter((e) => e.name === 'text').map((e) => e.text).join(' ');
    for (const word of ['unusually', 'reasonable', 'middle']) expect(texts).toContain(word);
  });

  const autoPoint = (batch: number, chose: 'cpu' | 'gpu', ms: Partial<Record<'auto' | 'cpu' | 'cpu-pool' | 'gpu', number>>): AutoPoint => {
    const best = (['cpu', 'gpu'] as const).filter((p) => ms[p] !== undefined).reduce((b, p) => (ms[p]! < b.medianMs ? { path: p, medianMs: ms[p]! } : b), { path: 'cpu' as const as 'cpu' | 'gpu', medianMs: Infinity });
    const bestAll = (['cpu', 'cpu-pool', 'gpu'] as const).filter((p) => ms[p] !== undefined).reduce((b, p) => (ms[p]! < b.medianMs ? { path: p, medianMs: ms[p]! } : b), { path: 'cpu' as 'cpu' | 'cpu-pool' | 'gpu', medianMs: Infinity });
    const { auto, ...timedMs } = ms;
    const timedSamples = Object.fromEntries(Object.keys(timedMs).map((p) => [p, 10]));
    return { batch, medianMs: auto!, patternsPerSec: batch / (auto! / 1000), chose, predictedMs: 1, timedMs, timedSamples, ratioChosen: ms[chose] === undefined ? null : auto! / ms[chose]!, choiceRatio: ms[chose] === undefined ? null : ms[chose]! / best.medianMs, best, ratio: auto! / best.medianMs, within: auto! / best.medianMs <= AUTO_TOLERANCE, bestAll, ratioAll: auto! / bestAll.medianMs, withinAll: auto! / bestAll.medianMs <= AUTO_TOLERANCE };
  };

  it('summarizes auto: sizes within 10%, the worst ratio, agreement with the measured crossover', () => {
    const points = [
      autoPoint(1, 'cpu', { auto: 0.0105, cpu: 0.01, gpu: 1, 'cpu-pool': 0.1 }),
      autoPoint(100, 'cpu', { auto: 1.5, cpu: 1, gpu: 2, 'cpu-pool': 0.5 }),
      autoPoint(1000, 'gpu', { auto: 5, cpu: 10, gpu: 5, 'cpu-pool': 6 }),
      autoPoint(10000, 'gpu', { auto: 40, cpu: 100, 'cpu-pool': 60 }),
    ];
    const s = summarizeAuto(points, 1000, [1, 100, 1000]);
    expect(s).toMatchObject({ sizes: 4, within: 3, worst: { batch: 100, ratio: 1.5 }, withinAll: 3, worstAll: { batch: 100, ratio: 3 }, choiceWithin: 3, agreesWithCrossover: 3, gpuSizes: 3 });
    // At 100 auto chose the best path (the CPU) and missed by noise; at 10,000 the GPU was not timed.
    expect(s.lines).toContain('the path auto chose was itself within 10% of the best at 3 of 4 sizes (where auto missed but its choice did not, the miss is the noise between two timings of the same work)');
    expect(s.lines[0]).toBe('auto within 10% of the best path (of CPU trie and GPU, the paths --gpu auto chooses between) at 3 of 4 sizes; worst 1.50x at size 100');
    expect(s.lines[1]).toMatch(/^auto within 10% of the best of every path \(CPU pool included, which --gpu auto did not have: no calibration of it\) at 3 of 4 sizes; worst 3\.00x at size 100$/);
    expect(s.lines).toContain('auto chose cpu at 1, cpu at 100, gpu at 1,000, gpu at 10,000');
    expect(s.lines).toContain("auto's choice agrees with the measured GPU crossover (from 1,000) at 3 of 3 sizes the GPU was timed at; it chose the GPU at 1,000, 10,000");
    // With the pool among auto's candidates, the best path is the best of every path: one line.
    const withPool = summarizeAuto(points, 1000, [1, 100, 1000], ['cpu', 'cpu-pool', 'gpu']);
    expect(withPool.lines[0]).toBe('auto within 10% of the best path (of CPU trie, CPU pool and GPU, the paths --gpu auto chooses between) at 3 of 4 sizes; worst 1.50x at size 100');
    expect(withPool.lines.some((l) => l.includes('best of every path'))).toBe(false);
    // Without a measured crossover, choosing the GPU disagrees.
    expect(summarizeAuto(points, null, [1, 100, 1000]).agreesWithCrossover).toBe(2);
  });

  it('draws auto as its own series, with the predicted GPU crossover', () => {
    const points = [autoPoint(1, 'cpu', { auto: 0.05, cpu: 0.05, gpu: 20 }), autoPoint(1000, 'gpu', { auto: 3, cpu: 30, gpu: 3 })];
    const withAuto: SweepFigures = {
      ...withCrossovers,
      series: { ...withCrossovers.series, auto: points.map((p) => pointOf(p.batch, { samplesMs: [p.medianMs], runs: 1 })) },
      auto: {
        model: { paths: { cpu: { overheadMs: 0, perPatternUs: 30 }, gpu: { overheadMs: 2, perPatternUs: 1 } } },
        calibrationFacts: 20_000,
        calibrationSamples: {},
        calibrationMs: 1,
        available: ['cpu', 'gpu'],
        predictedCrossover: { gpu: 69, pool: null },
        measuredCrossover: { gpu: 1000, pool: 100 },
        points,
        summary: summarizeAuto(points, 1000, [1, 1000]),
      },
    };
    const svg = sweepChart(withAuto, 'x');
    expect(seriesOf(svg)).toEqual(['cpu', 'cpu-pool', 'gpu', 'gpu-brute', 'auto']);
    const els = allElements(parseXml(svg));
    expect(els.filter((e) => e.attrs['class'] === 'mark').map((e) => [e.attrs['data-series'], e.attrs['data-x']])).toContainEqual(['auto', '69']);
    expect(notesOf(svg)).toContain('auto ≤ 1.10x best at 2/2 sizes (worst 1.00x at 1); auto chose cpu at 1, gpu at 1,000.');
    expect(outsideViewBox(parseXml(svg))).toEqual([]);
  });

  it('finds what reaches beyond the view box (the check the chart tests rely on)', () => {
    const svg = (inner: string) => parseXml(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100" font-size="12">${inner}</svg>`);
    expect(outsideViewBox(svg('<text x="10" y="50">short</text><line x1="0" y1="0" x2="200" y2="100"/>'))).toEqual([]);
    expect(outsideViewBox(svg('<text x="150" y="50">GPU brute force (gpu.js): no crossover in this range</text>'))).toHaveLength(1);
    expect(outsideViewBox(svg('<text x="190" y="50" text-anchor="end">a label wider than the room to its left</text>'))).toHaveLength(1);
    expect(outsideViewBox(svg('<g font-size="40"><text x="10" y="20">tall</text></g>'))).toHaveLength(1);
    expect(outsideViewBox(svg('<text x="20" y="50" transform="rotate(-90 20 50)">a rotated label longer than the height</text>'))).toHaveLength(1);
    expect(outsideViewBox(svg('<circle cx="198" cy="50" r="3.5"/><path d="M10,10V120"/>'))).toHaveLength(2);
  });

  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow();
    expect(() => parseXml('<svg><text>a & b</text></svg>')).toThrow();
    expect(() => throughputChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })).not.toThrow();
  });
});
