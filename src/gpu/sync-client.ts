// A synchronous face on the GPU matcher for callers that cannot await (the interpreter answers
// `match` inside a synchronous loop): the device lives on a helper thread (thread.ts); a call
// posts the request, blocks in Atomics.wait until the thread flags its reply, and takes the reply
// with receiveMessageOnPort. The snapshot's arrays are SharedArrayBuffers, so the trie crosses
// threads without a copy, and only when it changed.

import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { WorkerScriptMissingError, workerScript } from '../core/index.js';
import { LOG_LEVELS, type LogLevel, logEnabled } from '../core/index.js';
import type { FlatTrie } from '../space/index.js';
import { GpuDeviceLostError, GpuError, GpuExecutionError, GpuUnavailableError } from './errors.js';
import type { FallbackReason, GpuBatchMetrics, KernelPattern, RawMatches } from './matcher.js';
import type { GpuReply, GpuRequest, GpuThreadInput } from './thread.js';

/** The compiled thread entry, or null when it is not built. */
function threadEntry(): string | null {
  try {
    return workerScript('gpu/thread.js');
  } catch (e) {
    if (e instanceof WorkerScriptMissingError) return null;
    throw e;
  }
}

function currentLogLevel(): LogLevel | 'off' {
  let level: LogLevel | 'off' = 'off';
  for (const l of LOG_LEVELS) if (logEnabled(l)) level = l;
  return level;
}

export class GpuSyncClient {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly trieIds = new WeakMap<FlatTrie, number>();
  private sentTrie: FlatTrie | null = null;
  private nextTrieId = 1;
  private closed = false;
  readonly adapter: string;

  /** Starts the thread and opens the device; throws GpuUnavailableError when either fails. */
  constructor(private readonly timeoutMs = 600_000) {
    const entry = threadEntry();
    if (entry === null) throw new GpuUnavailableError('the compiled GPU thread (dist/src/gpu/thread.js) is missing: run npm run build');
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(entry, { workerData: { port: port2, flag: this.flag, logLevel: currentLogLevel() } satisfies GpuThreadInput, transferList: [port2] });
    this.worker.unref();
    try {
      const reply = this.call({ kind: 'adapter' });
      this.adapter = (reply as { adapter: string }).adapter;
    } catch (e) {
      void this.worker.terminate();
      this.closed = true;
      throw e;
    }
  }

  /** The kernel's raw answer for `patterns` against `trie` (blocking). */
  runRaw(trie: FlatTrie, patterns: readonly KernelPattern[]): RawMatches {
    let id = this.trieIds.get(trie);
    if (id === undefined) this.trieIds.set(trie, (id = this.nextTrieId++));
    const send = this.sentTrie !== trie;
    const reply = this.call({ kind: 'match', trieId: id, ...(send ? { trie } : {}), patterns }) as {
      raw: { recStart: Float64Array; recWords: Float64Array; words: Uint32Array; fallback: [number, FallbackReason][]; metrics: GpuBatchMetrics };
    };
    this.sentTrie = trie;
    const r = reply.raw;
    return { recStart: r.recStart, recWords: r.recWords, words: r.words, fallback: new Map(r.fallback), metrics: r.metrics };
  }

  /**
   * Destroys the device and ends the thread (safe to call twice). The device is gone when this
   * returns; the promise settles once the thread has exited — await it before the process exits,
   * or the native module can be torn down under a running thread.
   */
  close(): Promise<void> {
    if (this.closed) return this.exited;
    try {
      this.call({ kind: 'close' });
    } catch {
      // The thread is going away regardless.
    }
    this.closed = true;
    this.port.close();
    this.exited = this.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
    return this.exited;
  }
  private exited: Promise<void> = Promise.resolve();

  private call(req: GpuRequest): GpuReply & { ok: true } {
    if (this.closed) throw new GpuUnavailableError('the GPU thread is closed');
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(req);
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got !== undefined) {
        const reply = got.message as GpuReply;
        if (reply.ok) return reply;
        const Err = reply.errorName === 'GpuUnavailableError' ? GpuUnavailableError : reply.errorName === 'GpuDeviceLostError' ? GpuDeviceLostError : reply.errorName === 'GpuError' || reply.errorName === 'GpuExecutionError' ? GpuExecutionError : GpuError;
        throw new Err(reply.message);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.closed = true;
        void this.worker.terminate();
        throw new GpuExecutionError(`the GPU thread did not answer within ${this.timeoutMs} ms`);
      }
      Atomics.wait(this.flag, 0, 0, Math.min(left, 1000));
      Atomics.store(this.flag, 0, 0);
    }
  }
}
