// The GPU query service on its own (in this thread, with its GPU thread from dist/): which forms it
// batches, that its answers equal the CPU's, and that anything it cannot vouch for goes to the CPU.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAtom } from '../../src/core/printer.js';
import { query } from '../../src/cpu/index.js';
import { closeGpu, GpuQueryService, matchRuns } from '../../src/gpu/index.js';
import { AtomSpace } from '../../src/space/index.js';
import { gpuAdapter, noGpu, parseAll } from './helpers.js';

let adapter: string | null = null;
beforeAll(async () => {
  adapter = await gpuAdapter();
  await closeGpu(); // the service opens its own device on its GPU thread
});
afterAll(closeGpu);

const PROGRAM = `(a 1) (a 2) (b $v)
!(match &self (a $x) $x)
!(match &self (, (a $x) (b $x)) $x)
!(println! hi)
!(match &self (b $y) $y)
(a 3)
!(match &self (a $x) $x)
!(match &self (c $z) $z)
`;

describe('GPU query service', () => {
  it('pre-reads runs of top-level !(match &self P T): conjunctions and other forms do not split a run, added atoms do', () => {
    expect(matchRuns(PROGRAM, 'p.metta')).toEqual([
      { patterns: ['(a $x)', '(b $y)'], addedBefore: 3 },
      { patterns: ['(a $x)', '(c $z)'], addedBefore: 4 },
    ]);
  });

  it('answers batched patterns on the GPU, the rest on the CPU, always as the CPU would', (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const service = new GpuQueryService(PROGRAM, 'p.metta');
    try {
      const space = new AtomSpace();
      for (const a of parseAll('(a 1) (a 2) (b $v)')) space.add(a);
      const same = (pattern: string): void => {
        const p = parseAll(pattern)[0]!;
        const got = service.query(space, p).map((b) => formatAtom(b.resolve(p)));
        expect(got).toEqual(query(space.view(), p).map((b) => formatAtom(b.resolve(p))));
      };
      same('(a $x)'); // first run: one batch of 2 patterns
      same('(, (a $x) (b $x))'); // conjunction: CPU
      same('(b $y)'); // from the batch
      expect(service.stats).toMatchObject({ batches: 1, batchedPatterns: 2, gpuAnswers: 2, cpuAnswers: 1 });
      space.add(parseAll('(a 3)')[0]!);
      same('(a $x)'); // the space changed: the second run is a new batch
      same('(c $z)');
      same('(: a $t)'); // not in any run (a type lookup): CPU
      expect(service.stats).toMatchObject({ batches: 2, batchedPatterns: 4, gpuAnswers: 4, cpuAnswers: 2, failure: null });
    } finally {
      service.close();
    }
  });
});
