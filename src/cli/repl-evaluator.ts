// Where the REPL evaluates its entries: on a worker thread (the installed command), so that the main
// thread stays free to read Ctrl-C and interrupt a running evaluation; or in-process when the
// compiled worker is not there (running from the TypeScript sources), where an evaluation cannot be
// interrupted.

import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LogLevel } from '../core/index.js';
import { compiledWorkerScript } from '../core/index.js';
import { type ReplOutput, ReplSession, type ReplSessionOptions } from './repl-session.js';

export interface ReplEvaluator {
  /** Runs one entry; output arrives through `output` before the promise settles. Resolves to its exit code. */
  evaluate(text: string, output: ReplOutput): Promise<number>;
  /** Asks the running evaluation to stop (at its next limit check); false when it cannot be interrupted. */
  interrupt(): boolean;
  close(): Promise<void>;
}

/** workerData of repl-worker.ts. */
export interface ReplEvaluatorInput {
  readonly options: ReplSessionOptions;
  /** Cell 0 becomes non-zero when the running evaluation is interrupted. */
  readonly flag: Int32Array;
  readonly log: LogLevel | 'off';
}

export type ReplRequest = { readonly text: string };

export type ReplReply =
  | { readonly kind: 'out'; readonly text: string }
  | { readonly kind: 'err'; readonly text: string }
  | { readonly kind: 'done'; readonly exitCode: number }
  /** The evaluation threw (an internal error); the session goes on. */
  | { readonly kind: 'failed'; readonly message: string };

/** An internal error of the engine while evaluating an entry (not a MeTTa error, which is a result). */
export class ReplInternalError extends Error {}

export function createEvaluator(options: ReplSessionOptions, log: LogLevel | 'off'): ReplEvaluator {
  const script = compiledWorkerScript('cli/repl-worker.js');
  if (script !== null) return new WorkerEvaluator(pathToFileURL(script), options, log);
  return new InProcessEvaluator(options);
}

export class InProcessEvaluator implements ReplEvaluator {
  private readonly session: ReplSession;
  constructor(options: ReplSessionOptions) {
    this.session = new ReplSession(options);
  }
  evaluate(text: string, output: ReplOutput): Promise<number> {
    try {
      return Promise.resolve(this.session.evaluate(text, output));
    } catch (e) {
      return Promise.reject(new ReplInternalError(e instanceof Error ? (e.stack ?? e.message) : String(e)));
    }
  }
  interrupt(): boolean {
    return false;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

class WorkerEvaluator implements ReplEvaluator {
  private readonly worker: Worker;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private current: { output: ReplOutput; resolve: (code: number) => void; reject: (e: Error) => void } | null = null;
  private dead: Error | null = null;

  constructor(url: URL, options: ReplSessionOptions, log: LogLevel | 'off') {
    this.worker = new Worker(url, { workerData: { options, flag: this.flag, log } satisfies ReplEvaluatorInput });
    this.worker.on('message', (reply: ReplReply) => {
      const current = this.current;
      if (current === null) return;
      if (reply.kind === 'out') current.output.out(reply.text);
      else if (reply.kind === 'err') current.output.err(reply.text);
      else {
        this.current = null;
        if (reply.kind === 'done') current.resolve(reply.exitCode);
        else current.reject(new ReplInternalError(reply.message));
      }
    });
    const fail = (e: Error): void => {
      this.dead = e;
      const current = this.current;
      this.current = null;
      current?.reject(e);
    };
    this.worker.on('error', (e) => fail(new ReplInternalError(e.stack ?? e.message)));
    this.worker.on('exit', (code) => fail(new ReplInternalError(`the evaluation thread exited (code ${code})`)));
  }

  evaluate(text: string, output: ReplOutput): Promise<number> {
    if (this.dead !== null) return Promise.reject(this.dead);
    if (this.current !== null) return Promise.reject(new Error('an evaluation is already running'));
    Atomics.store(this.flag, 0, 0);
    return new Promise((resolve, reject) => {
      this.current = { output, resolve, reject };
      this.worker.postMessage({ text } satisfies ReplRequest);
    });
  }

  interrupt(): boolean {
    if (this.current === null) return false;
    Atomics.store(this.flag, 0, 1);
    return true;
  }

  async close(): Promise<void> {
    this.dead ??= new Error('the REPL is closed');
    await this.worker.terminate();
  }
}
