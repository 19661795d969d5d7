// The messages between a WorkerPool (worker-pool.ts, the owning thread) and its threads
// (worker-host.ts). A task posted to a thread is claimed through a shared cell before it runs, so
// the owner can take back (steal) a posted task the thread has not started: whoever wins the
// compare-and-swap runs it, the other side skips it.

/** Cell values: posted and free to take, taken by the thread, taken back by the owner. */
export const UNCLAIMED = 0;
export const CLAIMED = 1;
export const STOLEN = 2;

export interface PoolWorkerData {
  /** One cell per posted task (see above); the task names its cell. */
  readonly poolClaims: Int32Array;
}

export type ToWorker =
  | { readonly t: 'task'; readonly id: number; readonly cell: number; readonly kind: string; readonly payload: unknown }
  /** The pool is closing: exit between two tasks. */
  | { readonly t: 'close' };

export type FromWorker =
  /** The entry loaded (and warmed up): tasks may be posted. */
  | { readonly t: 'ready' }
  | { readonly t: 'done'; readonly id: number; readonly value: unknown; readonly ms: number }
  | { readonly t: 'failed'; readonly id: number; readonly message: string }
  /** The owner took the task back before the thread started it. */
  | { readonly t: 'skipped'; readonly id: number };
