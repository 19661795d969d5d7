// The Engine's `gpu: 'on'` when the GPU is missing or fails, on any machine: the GPU module is
// replaced by a stand-in (no device is opened) that either cannot open, answers through the CPU
// trie matcher, or fails at its Nth dispatch. The warnings go to the stderr of the call that met
// them and to gpuStatus().warnings, never to process.stderr; the output is the CPU's either way.

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Atom } from '../../src/core/atoms.js';
import { formatAtom } from '../../src/core/printer.js';
import { matchPattern } from '../../src/cpu/index.js';
import type { AtomSpace } from '../../src/space/atom-space.js';

const fake = vi.hoisted(() => ({ mode: 'missing' as 'missing' | 'works' | 'fails', failAt: 1, dispatches: 0, opened: 0, closed: 0 }));

vi.mock('../../src/gpu/space-queries.js', async () => {
  const { GpuExecutionError, GpuUnavailableError } = await import('../../src/gpu/errors.js');
  class GpuSpaceQueries {
    readonly adapter = 'stand-in';
    constructor() {
      if (fake.mode === 'missing') throw new GpuUnavailableError('no WebGPU adapter (stand-in)');
      fake.opened++;
    }
    matchAll(space: AtomSpace, patterns: readonly Atom[]): ReturnType<typeof matchPattern>[] {
      if (fake.mode === 'fails' && ++fake.dispatches === fake.failAt) throw new GpuExecutionError('injected failure');
      const view = space.snapshot();
      return patterns.map((p) => matchPattern(view, p));
    }
    close(): Promise<void> {
      fake.closed++;
      return Promise.resolve();
    }
  }
  return { GpuSpaceQueries };
});

const { Engine } = await import('../../src/api/engine.js');

const TEXT = `
(edge a b) (edge b c) (edge a c) (edge c a)
(= (next $x) (match &self (edge $x $y) $y))
!(next a)
!(next b)
!(match &self (, (edge $x $y) (edge $y $z)) ($x $z))
!(println! "mid")
!(next c)
`;
const PATTERNS = ['(edge a $y)', '(, (edge $x $y) (edge $y a))', '(edge $q $q)'];
const fmt = (qs: ReturnType<InstanceType<typeof Engine>['query']>): string[][] => qs.map((q) => q.matches.map((m) => [...m.values()].map(formatAtom).join(' ')));

function reference(): { lines: readonly string[]; stderr: string; query: string[][] } {
  const e = new Engine();
  const r = e.load(TEXT);
  return { lines: r.lines, stderr: r.stderr, query: fmt(e.query(PATTERNS)) };
}

afterEach(() => {
  Object.assign(fake, { mode: 'missing', failAt: 1, dispatches: 0, opened: 0, closed: 0 });
  vi.restoreAllMocks();
});

describe("Engine gpu 'on' without a working GPU", () => {
  it('no adapter: one warning in the first call’s stderr (and gpuStatus), CPU evaluation, same output', async () => {
    const ref = reference();
    const processErr = vi.spyOn(process.stderr, 'write');
    const e = new Engine({ gpu: 'on' });
    const r = await e.run(TEXT);
    expect(r.lines).toEqual(ref.lines);
    expect(r.stderr).toBe('metta: --gpu on: no WebGPU adapter (stand-in); matching runs on the CPU\n');
    expect(fmt(e.query(PATTERNS))).toEqual(ref.query);
    // Later calls do not try again or warn again.
    expect(e.load('!(next a)').stderr).toBe('');
    const status = e.gpuStatus();
    expect(status).toMatchObject({ mode: 'on', answering: 'cpu', stats: null, warnings: ['metta: --gpu on: no WebGPU adapter (stand-in); matching runs on the CPU'] });
    expect(processErr).not.toHaveBeenCalled();
    await e.close();
  });

  it('no adapter, decided by a query: the warning is kept in gpuStatus().warnings only', () => {
    const e = new Engine({ gpu: 'on' });
    for (const fact of ['(edge a b)', '(edge b c)', '(edge a c)', '(edge c a)']) e.space.add(e.parse(fact));
    expect(e.gpuStatus().answering).toBe('undecided');
    expect(fmt(e.query(PATTERNS))).toEqual(reference().query);
    expect(e.gpuStatus().warnings).toHaveLength(1);
    expect(e.load('!(next a)').stderr).toBe('');
  });

  it('a GPU that fails mid-run is dropped with a warning in that call’s stderr; the CPU answers the rest identically', async () => {
    const ref = reference();
    fake.mode = 'fails';
    fake.failAt = 2;
    const e = new Engine({ gpu: 'on', workers: 2 });
    const r = await e.run(TEXT);
    expect(r.lines).toEqual(ref.lines);
    expect(r.stderr).toBe('metta: --gpu on: GpuExecutionError: injected failure; matching continues on the CPU\n');
    expect(fmt(e.query(PATTERNS))).toEqual(ref.query);
    const status = e.gpuStatus();
    expect(status.answering).toBe('batched');
    expect(status.stats!.gpuFailure).toBe('GpuExecutionError: injected failure');
    expect(status.paths.cpu!.batches).toBeGreaterThan(0);
    expect(status.warnings).toHaveLength(1);
    expect(fake.closed).toBe(1); // dropped: closed by the answerer
    await e.close();
    expect(fake.closed).toBe(1);
  });

  it('a working stand-in answers every batch; close() closes it once', async () => {
    const ref = reference();
    fake.mode = 'works';
    const e = new Engine({ gpu: 'on' });
    expect(e.load(TEXT).lines).toEqual(ref.lines);
    expect(fmt(e.query(PATTERNS))).toEqual(ref.query);
    const status = e.gpuStatus();
    expect(status.stats!.gpuQueries).toBe(status.stats!.queries);
    expect(status.paths).toEqual({ gpu: { batches: status.stats!.batches, patterns: status.stats!.queries, predictedMs: null, measuredMs: expect.any(Number) } });
    expect(fake.opened).toBe(1);
    expect(fake.closed).toBe(0);
    await Promise.all([e.close(), e.close()]);
    expect(fake.closed).toBe(1);
  });
});
