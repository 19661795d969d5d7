// The process's one WebGPU device (Dawn, through the `webgpu` package): created lazily on first
// use, with the largest buffer limits the adapter offers, and destroyed by `closeGpu()` — an open
// Dawn device keeps the process alive, so whoever opened it closes it.
//
// The `webgpu` module is imported dynamically: code paths that never ask for the GPU (`--gpu off`)
// never load Dawn. Device loss (a driver reset, `destroy()` mid-batch) marks the context lost; the
// next `acquireGpu()` creates a fresh device.
//
// Dawn's Node bindings crash the process when `queue.writeBuffer` is given a view of a
// SharedArrayBuffer (the space's snapshot arrays are shared), so every upload here goes through a
// buffer mapped at creation (see `uploadU32`).

import { tmpdir } from 'node:os';
import { log } from '../core/index.js';
import { GpuDeviceLostError, GpuUnavailableError } from './errors.js';
import { flagMismatches } from './flags.js';

export interface GpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
}

export interface GpuContext {
  readonly device: GPUDevice;
  /** "vendor architecture: description", e.g. "mesa software: llvmpipe: Mesa 25.0.7 ...". */
  readonly adapterName: string;
  readonly limits: GpuLimits;
  /** Set when the device was lost or destroyed; the context must not be used any more. */
  lost: GpuDeviceLostError | null;
}

interface WebGpuModule {
  create(options: string[]): GPU;
  globals: object;
}

let pending: Promise<GpuContext> | null = null;
let current: GpuContext | null = null;
/**
 * The navigator.gpu-like object, which owns Dawn's instance. Created once and never dropped: the
 * bindings' event pump (AsyncRunner) keeps a raw pointer to the instance and can still run one
 * scheduled tick after the device is destroyed, so an instance collected by the GC at that moment
 * is a use-after-free (the process aborted at exit: "futex facility returned an unexpected error
 * code", seen when a worker pool kept the event loop busy while closing).
 */
let gpuObject: GPU | null = null;
let contextsCreated = 0;

/** What the adapter of the last device opened says of itself (the real-GPU check prints it). */
export interface AdapterReport {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** Every limit the adapter offers, by its spec name. */
  readonly limits: Readonly<Record<string, number>>;
  readonly features: readonly string[];
}
let lastAdapter: AdapterReport | null = null;

/** The adapter behind the last device `acquireGpu` opened, or null before the first. */
export function adapterReport(): AdapterReport | null {
  return lastAdapter;
}

function reportOf(adapter: GPUAdapter): AdapterReport {
  const limits: Record<string, number> = {};
  // GPUSupportedLimits' members are getters on its prototype: for...in sees them, Object.keys does not.
  for (const name in adapter.limits) {
    const value = (adapter.limits as unknown as Record<string, unknown>)[name];
    if (typeof value === 'number') limits[name] = value;
  }
  const { vendor, architecture, device, description } = adapter.info;
  return { vendor, architecture, device, description, limits, features: [...adapter.features].map(String).sort() };
}

/** Number of devices this process has created (tests check that `--gpu off` creates none). */
export function devicesCreated(): number {
  return contextsCreated;
}

/** The open device, creating it on first use. Throws GpuUnavailableError when there is none. */
export function acquireGpu(): Promise<GpuContext> {
  if (current !== null && current.lost === null) return Promise.resolve(current);
  if (pending === null) {
    pending = openDevice().then(
      (ctx) => {
        current = ctx;
        return ctx;
      },
      (e: unknown) => {
        pending = null;
        throw e;
      },
    );
  }
  return pending;
}

/** The open context without creating one. */
export function openGpu(): GpuContext | null {
  return current !== null && current.lost === null ? current : null;
}

async function openDevice(): Promise<GpuContext> {
  // Mesa's software Vulkan warns on stderr when XDG_RUNTIME_DIR is unset.
  process.env['XDG_RUNTIME_DIR'] ??= tmpdir();
  let mod: WebGpuModule;
  try {
    mod = (await import('webgpu')) as unknown as WebGpuModule;
  } catch (e) {
    throw new GpuUnavailableError(`the webgpu package could not be loaded: ${(e as Error).message}`);
  }
  // GPUBufferUsage, GPUMapMode, ... as globals, as in a browser.
  Object.assign(globalThis, mod.globals);
  const mismatched = flagMismatches(mod.globals as Record<string, unknown>);
  if (mismatched.length > 0) throw new GpuUnavailableError(`the webgpu package's flag constants differ from the spec's (flags.ts): ${mismatched.join(', ')}`);
  gpuObject ??= mod.create([]);
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpuObject.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new GpuUnavailableError(`requestAdapter failed: ${(e as Error).message}`);
  }
  if (adapter === null) {
    throw new GpuUnavailableError('no WebGPU adapter (no GPU, and no software Vulkan driver such as Mesa lavapipe)');
  }
  const info = adapter.info;
  lastAdapter = reportOf(adapter);
  const adapterName = `${info.vendor || '?'} ${info.architecture || '?'}: ${info.description || info.device || 'unknown adapter'}`;
  const a = adapter.limits;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: a.maxStorageBufferBindingSize,
        maxBufferSize: a.maxBufferSize,
        maxComputeWorkgroupsPerDimension: a.maxComputeWorkgroupsPerDimension,
        maxStorageBuffersPerShaderStage: Math.min(a.maxStorageBuffersPerShaderStage, 8),
      },
    });
  } catch (e) {
    throw new GpuUnavailableError(`requestDevice failed on ${adapterName}: ${(e as Error).message}`);
  }
  contextsCreated++;
  const ctx = gpuContext(device, adapterName);
  void device.lost.then(() => {
    if (current === ctx) {
      current = null;
      pending = null;
    }
  });
  const limits = ctx.limits;
  log('debug', `GPU adapter: ${adapterName}; limits: storage binding ${limits.maxStorageBufferBindingSize} B, buffer ${limits.maxBufferSize} B, ${limits.maxComputeWorkgroupsPerDimension} workgroups per dimension`);
  return ctx;
}

/**
 * A context for an open device: its limits, and `lost` set as soon as the device is lost. Also the
 * way tests wrap a mock device (test/gpu/mock-device.ts).
 */
export function gpuContext(device: GPUDevice, adapterName: string): GpuContext {
  const limits: GpuLimits = {
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
    maxBufferSize: device.limits.maxBufferSize,
    maxComputeWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
  };
  const ctx: GpuContext = { device, adapterName, limits, lost: null };
  void device.lost.then((lostInfo) => {
    ctx.lost = new GpuDeviceLostError(`GPU device lost (${lostInfo.reason}): ${lostInfo.message}`, lostInfo.reason);
    if (lostInfo.reason !== 'destroyed') log('warn', ctx.lost.message);
  });
  device.onuncapturederror = (ev) => log('warn', `GPU error: ${(ev as GPUUncapturedErrorEvent).error.message}`);
  return ctx;
}

/**
 * Destroys the device (work in flight fails with GpuDeviceLostError), so the process can exit; the
 * instance stays (see `gpuObject`). Safe to call when nothing is open.
 */
export async function closeGpu(): Promise<void> {
  const opening = pending;
  pending = null;
  let ctx = current;
  current = null;
  if (ctx === null && opening !== null) {
    try {
      ctx = await opening;
    } catch {
      ctx = null;
    }
  }
  if (ctx !== null) {
    ctx.device.destroy();
    await ctx.device.lost;
  }
}

/** A storage buffer holding `data`, filled through a mapping (safe for SharedArrayBuffer views). */
export function uploadU32(device: GPUDevice, data: Uint32Array, usage: number, label: string): GPUBuffer {
  const size = Math.max(16, Math.ceil((data.length * 4) / 16) * 16);
  const buffer = device.createBuffer({ label, size, usage, mappedAtCreation: true });
  new Uint32Array(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}
