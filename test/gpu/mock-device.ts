// A fake WebGPU device for testing the GPU host code without an adapter: buffers are ArrayBuffers,
// command buffers are recorded and executed at submit, and compute dispatches run the kernel's
// effect in JavaScript (mock-kernel.ts). It validates what a real device validates and the host
// relies on (binding and buffer sizes against the limits, usages, ranges, map state, workgroup
// counts), reporting to the innermost matching error scope, and it counts the calls a test asserts
// on. Failures can be injected: an error on the next submit, or the loss of the device.

import { gpuContext, type GpuContext, type GpuLimits } from '../../src/gpu/device.js';
import { BufferUsage, MapMode } from '../../src/gpu/flags.js';
import { BINDINGS, WORK_COUNTERS_CONSTANT, WORKGROUP_SIZE } from '../../src/gpu/kernel-layout.js';
import { invoke, type KernelBindings } from './mock-kernel.js';

type ErrorKind = 'validation' | 'out-of-memory';

class MockGpuError {
  constructor(readonly message: string) {}
}

class MockBuffer {
  readonly data: ArrayBuffer;
  mapped: boolean;
  destroyed = false;
  constructor(
    readonly label: string,
    readonly size: number,
    readonly usage: number,
    mappedAtCreation: boolean,
  ) {
    this.data = new ArrayBuffer(size);
    this.mapped = mappedAtCreation;
  }
}

interface Entry {
  readonly buffer: MockBuffer;
  readonly offset: number;
  readonly size: number;
}
interface BindGroup {
  readonly entries: Entry[];
  readonly valid: boolean;
}
interface Pipeline {
  readonly entry: 'count_main' | 'write_main';
  /** Compiled with the work counters' override constant set. */
  readonly countWork: boolean;
}
type Command =
  | { readonly kind: 'dispatch'; readonly pipeline: Pipeline | null; readonly group: BindGroup | null; readonly workgroups: number }
  | { readonly kind: 'copy'; readonly src: MockBuffer; readonly srcOffset: number; readonly dst: MockBuffer; readonly dstOffset: number; readonly size: number };

export interface DispatchRecord {
  readonly entry: 'count_main' | 'write_main';
  readonly workgroups: number;
  /** Bytes bound at each binding, by name. */
  readonly bytes: Record<string, number>;
}

export class MockGpu {
  readonly limits: GpuLimits;
  readonly calls = { submits: 0, mapAsync: 0, writeBuffer: 0, createBuffer: 0, copies: 0, shaderModules: 0 };
  readonly dispatches: DispatchRecord[] = [];
  readonly buffers: MockBuffer[] = [];
  /** Errors no scope caught (a correct host leaves none). */
  readonly uncaptured: string[] = [];
  readonly shaderCode: string[] = [];
  readonly device: GPUDevice;
  readonly ctx: GpuContext;
  private readonly scopes: { filter: ErrorKind; error: MockGpuError | null }[] = [];
  private injected: ErrorKind | null = null;
  private lostResolve!: (info: GPUDeviceLostInfo) => void;
  private isLost = false;

  constructor(limits: Partial<GpuLimits> = {}) {
    this.limits = { maxStorageBufferBindingSize: 128 << 20, maxBufferSize: 256 << 20, maxComputeWorkgroupsPerDimension: 65535, ...limits };
    const lost = new Promise<GPUDeviceLostInfo>((resolve) => (this.lostResolve = resolve));
    this.device = this.makeDevice(lost) as unknown as GPUDevice;
    this.ctx = gpuContext(this.device, 'mock device');
  }

  /** The next submit reports an error of this kind (and runs nothing). */
  failNextSubmit(kind: ErrorKind): void {
    this.injected = kind;
  }

  /** The device is lost, as a driver reset or `destroy()` loses it. */
  lose(reason: GPUDeviceLostReason = 'unknown'): void {
    if (this.isLost) return;
    this.isLost = true;
    this.lostResolve({ reason, message: `mock device lost (${reason})` } as GPUDeviceLostInfo);
  }

  /** Buffers created and not destroyed. */
  live(): MockBuffer[] {
    return this.buffers.filter((b) => !b.destroyed);
  }

  private error(kind: ErrorKind, message: string): void {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const s = this.scopes[i]!;
      if (s.filter === kind) {
        s.error ??= new MockGpuError(message);
        return;
      }
    }
    this.uncaptured.push(message);
  }

  private makeDevice(lost: Promise<GPUDeviceLostInfo>): object {
    const gpu = this;
    const limits = this.limits;
    const queue = {
      writeBuffer(buffer: MockBuffer, offset: number, data: ArrayBufferView) {
        gpu.calls.writeBuffer++;
        // Dawn's Node bindings crash the process on views of a SharedArrayBuffer (device.ts).
        if (data.buffer instanceof SharedArrayBuffer) throw new Error('writeBuffer given a SharedArrayBuffer view (crashes Dawn)');
        if (gpu.isLost) return;
        if (!(buffer.usage & BufferUsage.COPY_DST)) return gpu.error('validation', `writeBuffer: ${buffer.label} lacks COPY_DST`);
        if (buffer.destroyed || buffer.mapped) return gpu.error('validation', `writeBuffer: ${buffer.label} destroyed or mapped`);
        if (offset % 4 !== 0 || data.byteLength % 4 !== 0 || offset + data.byteLength > buffer.size) return gpu.error('validation', `writeBuffer: range ${offset}+${data.byteLength} outside ${buffer.label} (${buffer.size})`);
        new Uint8Array(buffer.data, offset, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      },
      submit(commandBuffers: { commands: Command[] }[]) {
        gpu.calls.submits++;
        if (gpu.isLost) return;
        if (gpu.injected !== null) {
          const kind = gpu.injected;
          gpu.injected = null;
          return gpu.error(kind, `injected ${kind} error`);
        }
        for (const cb of commandBuffers) gpu.execute(cb.commands);
      },
      onSubmittedWorkDone: () => Promise.resolve(),
    };
    return {
      limits,
      lost,
      queue,
      onuncapturederror: null,
      destroy: () => gpu.lose('destroyed'),
      pushErrorScope: (filter: ErrorKind) => gpu.scopes.push({ filter, error: null }),
      popErrorScope: () => {
        const s = gpu.scopes.pop();
        if (s === undefined) return Promise.reject(new Error('popErrorScope with no scope'));
        return Promise.resolve(gpu.isLost ? null : s.error);
      },
      createShaderModule: (d: GPUShaderModuleDescriptor) => {
        gpu.calls.shaderModules++;
        gpu.shaderCode.push(d.code);
        return {};
      },
      createBindGroupLayout: (d: GPUBindGroupLayoutDescriptor) => ({ entries: [...d.entries] }),
      createPipelineLayout: () => ({}),
      createComputePipeline: (d: GPUComputePipelineDescriptor): Pipeline => ({ entry: d.compute.entryPoint as Pipeline['entry'], countWork: (d.compute.constants?.[WORK_COUNTERS_CONSTANT] ?? 0) !== 0 }),
      createBuffer: (d: GPUBufferDescriptor) => {
        gpu.calls.createBuffer++;
        const b = new MockBuffer(d.label ?? '', d.size, d.usage, d.mappedAtCreation === true);
        if (d.size > limits.maxBufferSize) gpu.error('out-of-memory', `createBuffer: ${d.size} B over maxBufferSize`);
        if (d.usage & BufferUsage.MAP_READ && d.usage & ~(BufferUsage.MAP_READ | BufferUsage.COPY_DST)) gpu.error('validation', `createBuffer: MAP_READ with other usages (${d.label})`);
        gpu.buffers.push(b);
        return Object.assign(b, {
          mapAsync: (mode: number, offset = 0, size = b.size - offset) => {
            gpu.calls.mapAsync++;
            if (gpu.isLost) return Promise.reject(new Error('mapAsync: device lost'));
            if (mode !== MapMode.READ || !(b.usage & BufferUsage.MAP_READ) || b.mapped || b.destroyed || offset + size > b.size) return Promise.reject(new Error(`mapAsync: invalid on ${b.label}`));
            b.mapped = true;
            return Promise.resolve();
          },
          getMappedRange: (offset = 0, size = b.size - offset) => {
            if (!b.mapped) throw new Error(`getMappedRange: ${b.label} not mapped`);
            return offset === 0 && size === b.size ? b.data : b.data.slice(offset, offset + size);
          },
          unmap: () => {
            b.mapped = false;
          },
          destroy: () => {
            b.destroyed = true;
          },
        });
      },
      createBindGroup: (d: GPUBindGroupDescriptor): BindGroup => {
        const layout = (d.layout as unknown as { entries: GPUBindGroupLayoutEntry[] }).entries;
        let valid = true;
        const entries: Entry[] = [];
        for (const e of d.entries) {
          const r = e.resource as GPUBufferBinding;
          const buffer = r.buffer as unknown as MockBuffer;
          const offset = r.offset ?? 0;
          const size = r.size ?? buffer.size - offset;
          const type = layout[e.binding]?.buffer?.type;
          const need = type === 'uniform' ? BufferUsage.UNIFORM : BufferUsage.STORAGE;
          const problem =
            buffer.destroyed ? 'destroyed buffer'
            : !(buffer.usage & need) ? `usage lacks ${type}`
            : offset + size > buffer.size ? 'range outside the buffer'
            : type !== 'uniform' && size > limits.maxStorageBufferBindingSize ? `${size} B over maxStorageBufferBindingSize`
            : null;
          if (problem !== null) {
            valid = false;
            gpu.error('validation', `createBindGroup: binding ${e.binding} (${buffer.label}): ${problem}`);
          }
          entries[e.binding] = { buffer, offset, size };
        }
        return { entries, valid };
      },
      createCommandEncoder: () => {
        const commands: Command[] = [];
        return {
          beginComputePass: () => {
            let pipeline: Pipeline | null = null;
            let group: BindGroup | null = null;
            return {
              setPipeline: (p: Pipeline) => (pipeline = p),
              setBindGroup: (_: number, g: BindGroup) => (group = g),
              dispatchWorkgroups: (x: number) => commands.push({ kind: 'dispatch', pipeline, group, workgroups: x }),
              end: () => undefined,
            };
          },
          copyBufferToBuffer: (src: MockBuffer, srcOffset: number, dst: MockBuffer, dstOffset: number, size: number) => commands.push({ kind: 'copy', src, srcOffset, dst, dstOffset, size }),
          finish: () => ({ commands }),
        };
      },
    };
  }

  /** Validates a command buffer as a whole (an invalid one runs nothing), then runs it. */
  private execute(commands: Command[]): void {
    for (const c of commands) {
      const problem =
        c.kind === 'copy'
          ? !(c.src.usage & BufferUsage.COPY_SRC) || !(c.dst.usage & BufferUsage.COPY_DST) ? 'copy: usages'
            : c.srcOffset + c.size > c.src.size || c.dstOffset + c.size > c.dst.size ? 'copy: range'
            : c.src.destroyed || c.dst.destroyed || c.dst.mapped ? 'copy: destroyed or mapped buffer'
            : null
          : c.pipeline === null || c.group === null ? 'dispatch without pipeline or bind group'
          : !c.group.valid ? 'dispatch with an invalid bind group'
          : c.workgroups > this.limits.maxComputeWorkgroupsPerDimension ? `dispatch of ${c.workgroups} workgroups over the limit`
          : null;
      if (problem !== null) return this.error('validation', `submit: ${problem}`);
    }
    for (const c of commands) {
      if (c.kind === 'copy') {
        this.calls.copies++;
        new Uint8Array(c.dst.data, c.dstOffset, c.size).set(new Uint8Array(c.src.data, c.srcOffset, c.size));
        continue;
      }
      const views = {} as KernelBindings;
      const bytes: Record<string, number> = {};
      BINDINGS.forEach((b, i) => {
        const e = c.group!.entries[i]!;
        views[b.name] = new Uint32Array(e.buffer.data, e.offset, e.size / 4);
        bytes[b.name] = e.size;
      });
      this.dispatches.push({ entry: c.pipeline!.entry, workgroups: c.workgroups, bytes });
      for (let gid = 0; gid < c.workgroups * WORKGROUP_SIZE; gid++) invoke(c.pipeline!.entry, views, gid, c.pipeline!.countWork);
    }
  }
}
