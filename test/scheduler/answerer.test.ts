// The one answering policy (scheduler/answerer.ts), with made-up backends: the path the scheduler
// picks answers; a permanent failure drops the path, the CPU answers that batch and the later ones,
// and the reason is told once; a declined batch goes to the CPU and the path stays; any other error
// is a bug and propagates; closing closes every backend, the dropped ones included.

import { describe, expect, it } from 'vitest';
import { type Backend, BackendFailure, type MatchPath, ScheduledAnswerer, Scheduler } from '../../src/scheduler/index.js';

type Batch = readonly number[];

class Fake implements Backend<Batch, string[]> {
  closed = 0;
  calls = 0;
  constructor(
    readonly path: MatchPath,
    private readonly behave: (batch: Batch, call: number) => 'answer' | 'fail' | 'decline' | 'bug' = () => 'answer',
    private readonly async = false,
  ) {}
  answer(batch: Batch): string[] | Promise<string[]> {
    const what = this.behave(batch, ++this.calls);
    if (what === 'fail') throw new BackendFailure(this.path, `${this.path} broke`);
    if (what === 'decline') throw new BackendFailure(this.path, 'not this one', { permanent: false });
    if (what === 'bug') throw new TypeError('a bug');
    const out = batch.map((n) => `${n * 2}`); // every path answers alike, as real backends do
    return this.async ? Promise.resolve(out) : out;
  }
  close(): void {
    this.closed++;
  }
}

// GPU from 10 items: CPU 1 ms per item, GPU 5 ms per batch.
const model = { paths: { cpu: { overheadMs: 0, perPatternUs: 1000 }, gpu: { overheadMs: 5, perPatternUs: 0 } } };

function answerer(gpu: Fake, failures: string[] = []): { a: ScheduledAnswerer<Batch, string[]>; cpu: Fake } {
  const cpu = new Fake('cpu');
  const a = new ScheduledAnswerer<Batch, string[]>(new Scheduler(model, ['cpu', 'gpu'], null, false), cpu, [gpu], {
    size: (b) => b.length,
    onFailure: (path, reason) => failures.push(`${path}: ${reason}`),
  });
  return { a, cpu };
}

const small = [1, 2, 3];
const large = Array.from({ length: 20 }, (_, i) => i);

describe('ScheduledAnswerer', () => {
  it('sends each batch to the path the scheduler picks', async () => {
    const gpu = new Fake('gpu', () => 'answer', true);
    const { a, cpu } = answerer(gpu);
    expect((await a.answer(small)).path).toBe('cpu');
    const big = await a.answer(large);
    expect(big.path).toBe('gpu');
    expect(big.answers).toEqual(large.map((n) => `${n * 2}`));
    expect([cpu.calls, gpu.calls]).toEqual([1, 1]);
    expect(a.use('gpu')).toEqual({ batches: 1, items: 20 });
    expect(a.summary()).toBe('3 on the CPU (1 batch(es)), 20 on the GPU (1 batch(es))');
  });

  it('a permanent failure: the CPU answers that batch and every later one, the reason told once and kept', async () => {
    const failures: string[] = [];
    const gpu = new Fake('gpu', (_b, call) => (call === 2 ? 'fail' : 'answer'));
    const { a, cpu } = answerer(gpu, failures);
    expect((await a.answer(large)).path).toBe('gpu');
    const failed = await a.answer(large);
    expect(failed.path).toBe('cpu');
    expect(failed.decision.path).toBe('gpu');
    expect(failed.answers).toEqual(large.map((n) => `${n * 2}`));
    expect((await a.answer(large)).path).toBe('cpu');
    expect(gpu.calls).toBe(2);
    expect(cpu.calls).toBe(2);
    expect(a.has('gpu')).toBe(false);
    expect(failures).toEqual(['gpu: gpu broke']);
    expect(a.failures.get('gpu')).toBe('gpu broke');
    expect(gpu.closed).toBe(1); // closed when dropped
    await a.close();
    expect(gpu.closed).toBe(1);
    expect(cpu.closed).toBe(1);
    expect(a.summary()).toContain('gpu dropped: gpu broke');
  });

  it('a declined batch goes to the CPU and the path stays', () => {
    const gpu = new Fake('gpu', (_b, call) => (call === 1 ? 'decline' : 'answer'));
    const { a } = answerer(gpu);
    expect(a.answerSync(large).path).toBe('cpu');
    expect(a.answerSync(large).path).toBe('gpu');
    expect(a.declined.get('gpu')).toBe(1);
    expect(a.failures.size).toBe(0);
  });

  it('an error that is not a BackendFailure propagates', () => {
    const { a } = answerer(new Fake('gpu', () => 'bug'));
    expect(() => a.answerSync(large)).toThrow(TypeError);
  });

  it('answerSync refuses a backend that answers with a promise', () => {
    const { a } = answerer(new Fake('gpu', () => 'answer', true));
    expect(() => a.answerSync(large)).toThrow(/asynchronously/);
  });

  it('a path without a backend is never chosen', async () => {
    const cpu = new Fake('cpu');
    const a = new ScheduledAnswerer<Batch, string[]>(new Scheduler(model, ['cpu', 'gpu'], 'gpu', false), cpu, [], { size: (b) => b.length });
    expect((await a.answer(large)).path).toBe('cpu');
    expect(a.has('gpu')).toBe(false);
  });
});
