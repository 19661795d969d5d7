// The thread side of a WorkerPool: one entry serves every task kind it registers. Handlers are
// synchronous; a handler that throws fails its task (the thread lives on), a thread that dies fails
// the task it was running (the pool replaces the thread).

import { parentPort, workerData } from 'node:worker_threads';
import { CLAIMED, type FromWorker, type PoolWorkerData, type ToWorker, UNCLAIMED } from './protocol.js';

export type TaskHandler = (payload: never) => unknown;

/** Serves tasks posted by the pool that started this thread; tells it the thread is ready. */
export function serveTasks(handlers: Readonly<Record<string, TaskHandler>>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveTasks runs on a thread started by a WorkerPool');
  const claims = (workerData as PoolWorkerData).poolClaims;
  const reply = (m: FromWorker): void => port.postMessage(m);
  port.on('message', (m: ToWorker) => {
    // Closing: the thread ends here, between two tasks, never inside one (a thread killed in the
    // middle of interning a symbol would leave the shared intern table's lock held for good).
    if (m.t === 'close') process.exit(0);
    // The owner may have taken the task back while it waited in this thread's queue.
    if (Atomics.compareExchange(claims, m.cell, UNCLAIMED, CLAIMED) !== UNCLAIMED) return reply({ t: 'skipped', id: m.id });
    const handler = handlers[m.kind];
    const started = performance.now();
    try {
      if (handler === undefined) throw new Error(`no handler for task kind '${m.kind}'`);
      const value = (handler as (p: unknown) => unknown)(m.payload);
      reply({ t: 'done', id: m.id, value, ms: performance.now() - started });
    } catch (e) {
      reply({ t: 'failed', id: m.id, message: e instanceof Error ? e.message : String(e) });
    }
  });
  reply({ t: 'ready' });
}
