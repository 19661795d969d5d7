// The messages between the parallel runner (main thread) and the pool threads (eval-handlers.ts).

/** The evaluation task kinds pool-worker.ts serves (it serves the query slices of src/query too). */
export const TASK_KINDS = { evaluate: 'evaluate', alternative: 'evaluateAlternative' } as const;

/** Text a form printed with `println!` (stdout) or `trace!` (stderr), in the order it was written. */
export interface CapturedText {
  readonly kind: 'stdout' | 'stderr';
  readonly text: string;
}

/**
 * What a worker needs to rebuild its copy of the environment, the same object for every task of
 * one epoch. `&self` is not copied: its trie and its store's arrays are in shared memory and the
 * worker reads them as they are (zero-copy); symbol and grounded-value ids are the same in both
 * threads (shared intern tables). The rest of the environment (other spaces, states, tokens,
 * settings, modules) travels serialized, and the few small lists of `&self` (recent ids, variable
 * names) as JSON, both in shared buffers written once per epoch.
 */
export interface WorkerSync {
  /** Identifies the environment; the worker rebuilds its copy when it changes. */
  readonly epoch: string;
  /** serializeForWorkers(env) bytes. */
  readonly environment: SharedArrayBuffer;
  readonly environmentLength: number;
  /** JSON of SelfMeta. */
  readonly meta: SharedArrayBuffer;
  readonly metaLength: number;
  /** `&self`'s frozen trie and store arrays (shared memory: references, not copies). */
  readonly trieTok: Uint32Array;
  readonly trieChildStart: Uint32Array;
  readonly storeTokens: Uint32Array;
  readonly storeOffsets: Uint32Array;
  readonly storeAlive: Uint8Array;
}

/** The small parts of `&self`'s shared description, and the copied objects' grounded ids. */
export interface SelfMeta {
  readonly nodeCount: number;
  readonly atomCount: number;
  readonly trieBytes: number;
  readonly recent: readonly number[];
  readonly idCount: number;
  readonly liveCount: number;
  readonly tokenCount: number;
  readonly names: readonly (readonly [number, readonly string[]])[];
  readonly serial: number;
  readonly version: number;
  readonly tokenIds: readonly number[];
}

export interface EvalTask {
  readonly sync: WorkerSync;
  /** The `!` form's source text, read again with the copy's tokens. */
  readonly source: string;
  readonly file: string;
  /** `--max-steps` for this form. */
  readonly maxSteps: number | null;
  /** What is left of `--timeout`, in milliseconds (clocks differ between threads). */
  readonly remainingMs: number | null;
  /** Cell 0 becomes non-zero on Ctrl-C. */
  readonly interruptFlag: Int32Array;
  /** Fault injection for tests: the worker throws, or its thread dies. */
  readonly inject?: 'throw' | 'crash';
}

export type EvalTaskResult =
  | { readonly kind: 'done'; readonly line: string; readonly isError: boolean; readonly captured: readonly CapturedText[]; readonly ms: number }
  /** The form writes (or could not be read back): it must run on the main thread. */
  | { readonly kind: 'aborted'; readonly reason: string; readonly ms: number }
  /** A limit or Ctrl-C stopped the form. */
  | { readonly kind: 'stopped'; readonly reason: string; readonly captured: readonly CapturedText[]; readonly ms: number };

/** One alternative of a fanned-out evaluation (machine `fanout` requests, see fan-out.ts). */
export interface AlternativeTask {
  readonly sync: WorkerSync;
  /** atom-wire: the alternative's atom, its bindings, then the expected type. */
  readonly wire: (string | number)[];
  readonly depth: number;
  readonly maxSteps: number | null;
  readonly remainingMs: number | null;
  readonly interruptFlag: Int32Array;
}

export type AlternativeResult =
  /** atom-wire: the number of results, then each result's atom and bindings. */
  | { readonly kind: 'done'; readonly wire: (string | number)[]; readonly captured: readonly CapturedText[]; readonly ms: number }
  | { readonly kind: 'aborted'; readonly reason: string; readonly ms: number }
  | { readonly kind: 'stopped'; readonly reason: string; readonly captured: readonly CapturedText[]; readonly ms: number };
