// Submitting work and reading it back, with every failure typed: each submit runs inside
// validation and out-of-memory error scopes (→ GpuExecutionError), and every wait races the
// device's `lost` promise (→ GpuDeviceLostError at once, never a hang).

import type { GpuContext } from './device.js';
import { GpuDeviceLostError, GpuError, GpuExecutionError } from './errors.js';
import { MapMode } from './flags.js';

export type Stage = 'count' | 'write';

/** Encodes and submits one command buffer; rejects if the device reports an error for it. */
export async function submit(ctx: GpuContext, stage: Stage, encode: (enc: GPUCommandEncoder) => void, afterSubmit?: (stage: Stage, ctx: GpuContext) => void): Promise<void> {
  if (ctx.lost !== null) throw ctx.lost;
  const device = ctx.device;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const enc = device.createCommandEncoder();
  encode(enc);
  device.queue.submit([enc.finish()]);
  afterSubmit?.(stage, ctx);
  const validation = await orLost(ctx, device.popErrorScope());
  const oom = await orLost(ctx, device.popErrorScope());
  if (ctx.lost !== null) throw ctx.lost;
  const err = validation ?? oom;
  if (err) throw new GpuExecutionError(`GPU ${stage} pass failed: ${err.message}`);
}

/** Waits until the queue has finished the work submitted so far. */
export async function settle(ctx: GpuContext): Promise<void> {
  await orLost(ctx, ctx.device.queue.onSubmittedWorkDone());
}

/** Maps a staging buffer and copies its first `bytes` (rounded up to words) out. */
export async function readBack(ctx: GpuContext, staging: GPUBuffer, bytes: number): Promise<Uint32Array> {
  const size = Math.ceil(bytes / 4) * 4;
  await orLost(ctx, staging.mapAsync(MapMode.READ, 0, size));
  const copy = new Uint32Array(staging.getMappedRange(0, size).slice(0));
  staging.unmap();
  return copy;
}

/** Any failure of a batch as a GpuError: the loss when the device is gone, else an execution error. */
export function typedError(ctx: GpuContext, e: unknown): GpuError {
  if (ctx.lost !== null) return ctx.lost;
  if (e instanceof GpuError) return e;
  return new GpuExecutionError(`GPU batch failed: ${(e as Error).message ?? String(e)}`);
}

/** Resolves like `work`, or rejects with the loss as soon as the device is lost. */
function orLost<T>(ctx: GpuContext, work: Promise<T>): Promise<T> {
  if (ctx.lost !== null) {
    work.catch(() => undefined);
    return Promise.reject(ctx.lost);
  }
  return Promise.race([work, lostRejection(ctx)]);
}

const lostRejections = new WeakMap<GpuContext, Promise<never>>();

/** A promise that rejects with the device's loss (handled, so it never counts as unhandled). */
function lostRejection(ctx: GpuContext): Promise<never> {
  let p = lostRejections.get(ctx);
  if (p === undefined) {
    p = ctx.device.lost.then((info): never => {
      throw ctx.lost ?? new GpuDeviceLostError(`GPU device lost (${info.reason}): ${info.message}`, info.reason);
    });
    p.catch(() => undefined);
    lostRejections.set(ctx, p);
  }
  return p;
}
