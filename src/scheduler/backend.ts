// A backend answers a whole batch of space queries on one path (the CPU, the worker pool, the
// GPU). Every backend of a kind answers exactly what the CPU answers, in the same order (SPEC §4),
// so the scheduler may send any batch to any of them; what differs is only what a batch costs.

import type { MatchPath } from './paths.js';

export interface Backend<Batch, Answers> {
  readonly path: MatchPath;
  /**
   * The answers to `batch`, in batch order. Throws BackendFailure when this backend cannot answer
   * it; nothing of the batch has then been delivered, so another path can answer it instead.
   */
  answer(batch: Batch): Answers | Promise<Answers>;
  /** Releases the backend's threads or device; settles when they are gone. */
  close(): Promise<void> | void;
}

/**
 * A backend could not answer a batch. `permanent`: it will not answer any later batch either (the
 * pool could not start, the GPU failed or was lost), so the scheduler stops choosing it; otherwise
 * only this batch is declined (it holds something that cannot leave this thread, say).
 */
export class BackendFailure extends Error {
  readonly permanent: boolean;
  constructor(
    readonly path: MatchPath,
    message: string,
    options: { readonly permanent?: boolean; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BackendFailure';
    this.permanent = options.permanent ?? true;
  }
}
