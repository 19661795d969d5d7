// The kernel's compute pipelines, built once per device: the WGSL is the generated layout prelude
// (kernel-layout.ts) followed by shaders/trie-match.wgsl.

import { bindGroupLayoutEntries, kernelPrelude, WORK_COUNTERS_CONSTANT } from './kernel-layout.js';
import { shaderSource } from './shaders.js';

export interface Pipelines {
  readonly layout: GPUBindGroupLayout;
  /** The count pass; with `work`, the variant that fills the work counters (compiled when first asked for). */
  count(work: boolean): GPUComputePipeline;
  readonly write: GPUComputePipeline;
}

/** The full WGSL source of the trie-match kernel, as compiled. */
export function trieMatchSource(): string {
  return kernelPrelude() + shaderSource('trie-match.wgsl');
}

const cache = new WeakMap<GPUDevice, Pipelines>();

export function pipelinesFor(device: GPUDevice): Pipelines {
  let p = cache.get(device);
  if (p !== undefined) return p;
  const module = device.createShaderModule({ label: 'trie-match', code: trieMatchSource() });
  const layout = device.createBindGroupLayout({ label: 'trie-match', entries: bindGroupLayoutEntries() });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const count = device.createComputePipeline({ label: 'trie-match count', layout: pipelineLayout, compute: { module, entryPoint: 'count_main' } });
  let countWork: GPUComputePipeline | undefined;
  p = {
    layout,
    count: (work) =>
      work
        ? (countWork ??= device.createComputePipeline({ label: 'trie-match count (work counters)', layout: pipelineLayout, compute: { module, entryPoint: 'count_main', constants: { [WORK_COUNTERS_CONSTANT]: 1 } } }))
        : count,
    write: device.createComputePipeline({ label: 'trie-match write', layout: pipelineLayout, compute: { module, entryPoint: 'write_main' } }),
  };
  cache.set(device, p);
  return p;
}
