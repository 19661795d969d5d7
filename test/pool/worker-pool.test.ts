// The generic worker pool (src/pool): threads pull from one queue, the owner takes tasks back,
// a dying thread fails only the task it ran, a pool that cannot start says so, and the thread
// count is clamped and started gradually.

import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { setLogLevel } from '../../src/core/log.js';
import { maxPoolThreads, TaskFailedError, WorkerPool } from '../../src/pool/worker-pool.js';

const entry = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function pool(threads: number, options: { script?: string; onUnavailable?: (r: string) => void } = {}): WorkerPool {
  const p = new WorkerPool({ script: () => options.script ?? entry('test-worker.mjs'), threads, ...(options.onUnavailable ? { onUnavailable: options.onUnavailable } : {}) });
  p.start();
  return p;
}

describe('WorkerPool', () => {
  it('runs tasks of several kinds on its threads, results by task', async () => {
    const p = pool(2);
    try {
      expect(await p.whenReady()).toBe(true);
      const tasks = Array.from({ length: 20 }, (_, i) => p.submit<{ value: number; thread: number }>('echo', i));
      const values = await Promise.all(tasks.map((t) => t.result));
      expect(values.map((v) => v.value)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(values.every((v) => v.thread !== 0)).toBe(true); // 0 is the owning (main) thread
      expect(p.stats.tasks).toBe(20);
    } finally {
      await p.close();
    }
  });

  it('lets the owner take back queued tasks and posted ones no thread started; a running one is not taken', async () => {
    const p = pool(1);
    try {
      await p.whenReady();
      // One thread, one running and two prefetched: the fourth waits in the queue.
      const tasks = Array.from({ length: 4 }, () => p.submit<number>('spin', 150));
      expect(p.isQueued(tasks[3]!)).toBe(true);
      expect(p.steal(tasks[3]!)).toBe(true);
      expect(p.isQueued(tasks[2]!)).toBe(false); // posted to the thread
      expect(p.steal(tasks[2]!)).toBe(true); // but not started: its claim cell was free
      await tasks[0]!.result;
      await new Promise((r) => setTimeout(r, 50));
      expect(p.steal(tasks[1]!)).toBe(false); // started by now (the thread went on to it)
      await tasks[1]!.result;
      expect(p.stats.tasks).toBe(2);
      expect(p.stats.stolen).toBe(2);
      const settled = await Promise.race([tasks[2]!.result.then(() => 'settled'), new Promise((r) => setTimeout(() => r('never'), 300))]);
      expect(settled).toBe('never'); // the thread skipped it
    } finally {
      await p.close();
    }
  });

  it('fails the task of a thread that throws or dies, requeues what it had not started, and replaces it', async () => {
    const p = pool(1);
    try {
      await p.whenReady();
      await expect(p.submit('throw', null).result).rejects.toThrow(/the handler threw/);
      const dying = p.submit('die', null);
      const after = [p.submit<{ value: number }>('echo', 1), p.submit<{ value: number }>('echo', 2)];
      await expect(dying.result).rejects.toBeInstanceOf(TaskFailedError);
      await expect(dying.result).rejects.toThrow(/exited \(code 7\)/);
      // The two tasks posted behind it never ran there: a replacement thread runs them.
      expect((await Promise.all(after.map((t) => t.result))).map((r) => r.value)).toEqual([1, 2]);
      expect(p.stats.threadsStarted).toBe(2);
      expect(p.stats.faults).toBe(2);
    } finally {
      await p.close();
    }
  });

  it('becomes unavailable, once, when its threads cannot start; the owner still takes every task', async () => {
    const reasons: string[] = [];
    const p = pool(2, { script: entry('broken-worker.mjs'), onUnavailable: (r) => reasons.push(r) });
    try {
      const task = p.submit('echo', 1);
      expect(await p.whenReady()).toBe(false);
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toMatch(/could not start: this entry cannot load/);
      expect(p.steal(task)).toBe(true);
      const missing = pool(2, { script: '/nonexistent/pool-worker.js', onUnavailable: (r) => reasons.push(r) });
      expect(await missing.whenReady()).toBe(false);
      expect(reasons).toHaveLength(2);
      await missing.close();
    } finally {
      await p.close();
    }
  });

  it('clamps the thread count to 4 x the cores with a log line, and starts threads one at a time', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    setLogLevel('warn');
    let p: WorkerPool;
    try {
      p = pool(10_000);
    } finally {
      setLogLevel('off');
      spy.mockRestore();
    }
    try {
      expect(maxPoolThreads()).toBe(4 * availableParallelism());
      expect(p.threads).toBe(maxPoolThreads());
      expect(lines.filter((l) => /10000 threads asked for; starting at most/.test(l))).toHaveLength(1);
      // Gradual: the second thread starts only once the first is ready.
      expect(p.stats.threadsStarted).toBe(1);
      await p.whenReady();
      await new Promise((r) => setTimeout(r, 50));
      // Without queued work, no more threads than cores start ahead of demand.
      expect(p.stats.threadsStarted).toBeLessThanOrEqual(Math.max(1, availableParallelism()));
    } finally {
      await p.close();
    }
  });
});

describe('closing the engine pool', () => {
  it('never leaves the shared intern lock held: pools closed while their threads load, then a pool that starts and a symbol interned here', async () => {
    const { EvalPool, evalConfig } = await import('../../src/runner/index.js');
    const { sym } = await import('../../src/core/index.js');
    // Closed at once, their threads are still loading the engine (interning the standard
    // library's symbols under the table's lock); closed after a few ms, some are mid-way. A guard:
    // terminating such threads (the old close) did not hang in these runs either, the window is
    // narrow; what a hang would look like is this test timing out.
    for (let i = 0; i < 24; i++) {
      const p = new EvalPool(evalConfig('default', { workers: 2 }));
      p.start();
      if (i % 3 !== 0) await new Promise((r) => setTimeout(r, (i * 7) % 40));
      await p.close();
    }
    const p = new EvalPool(evalConfig('default', { workers: 2 }));
    p.start();
    try {
      expect(await p.pool.whenReady(30_000)).toBe(true);
      // A thread killed holding the lock would make this wait for good (the test would time out).
      expect(sym(`interned-after-closes-${Date.now()}`).name).toMatch(/^interned-after-closes-/);
    } finally {
      await p.close();
    }
  });
});
