// The messages between the parallel runner (main thread) and its pool workers (eval-worker.ts).

/** Text a form printed with `println!` (stdout) or `trace!` (stderr), in the order it was written. */
export interface CapturedText {
  readonly kind: 'stdout' | 'stderr';
  readonly text: string;
}

export interface EvalTask {
  /** Identifies the environment the bytes hold; the worker rebuilds its copy when it changes. */
  readonly epoch: string;
  /** The serialized environment (serialize.ts), shared, not copied, with every task. */
  readonly environment: SharedArrayBuffer;
  readonly environmentLength: number;
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
  readonly epoch: string;
  readonly environment: SharedArrayBuffer;
  readonly environmentLength: number;
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
