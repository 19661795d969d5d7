// The GPU thread: owns the process's Dawn device for a synchronous caller (the interpreter, which
// cannot await). Requests come over a MessagePort; after posting each reply the thread sets cell 0
// of the shared flag and notifies, so the caller can block in Atomics.wait and then take the reply
// with receiveMessageOnPort. Only store-independent work happens here (atoms are per-thread): the
// kernel's raw records go back, and the caller expands and materializes them.

import { type MessagePort, workerData } from 'node:worker_threads';
import { type LogLevel, setLogLevel } from '../core/index.js';
import { closeGpu } from './device.js';
import { GpuError } from './errors.js';
import { type KernelPattern, GpuMatcher } from './matcher.js';
import type { FlatTrie } from '../space/index.js';

export interface GpuThreadInput {
  readonly port: MessagePort;
  /** The caller's log level (logging settings are per thread). */
  readonly logLevel: LogLevel | 'off';
  /** Cell 0: set to 1 after every reply. */
  readonly flag: Int32Array;
}

export type GpuRequest =
  | { readonly kind: 'match'; readonly trieId: number; readonly trie?: FlatTrie; readonly patterns: readonly KernelPattern[] }
  | { readonly kind: 'adapter' }
  | { readonly kind: 'close' };

export type GpuReply =
  | { readonly ok: true; readonly adapter?: string; readonly raw?: unknown }
  | { readonly ok: false; readonly errorName: string; readonly message: string };

const { port, flag, logLevel } = workerData as GpuThreadInput;
setLogLevel(logLevel);
const matcher = new GpuMatcher();
const tries = new Map<number, FlatTrie>();

function reply(message: GpuReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function failure(e: unknown): GpuReply {
  const err = e as Error;
  return { ok: false, errorName: e instanceof GpuError ? err.name : 'Error', message: err?.message ?? String(e) };
}

port.on('message', (req: GpuRequest) => {
  void (async () => {
    try {
      switch (req.kind) {
        case 'adapter':
          reply({ ok: true, adapter: await matcher.adapterName() });
          return;
        case 'close':
          matcher.dispose();
          await closeGpu();
          reply({ ok: true });
          port.close();
          return;
        case 'match': {
          if (req.trie !== undefined) {
            tries.clear();
            tries.set(req.trieId, req.trie);
          }
          const trie = tries.get(req.trieId);
          if (trie === undefined) throw new Error(`unknown trie ${req.trieId}`);
          const raw = await matcher.runRaw(trie, req.patterns);
          const fallback = [...raw.fallback.entries()];
          reply({ ok: true, raw: { ...raw, fallback } }, [raw.words.buffer as ArrayBuffer]);
          return;
        }
      }
    } catch (e) {
      reply(failure(e));
    }
  })();
});
