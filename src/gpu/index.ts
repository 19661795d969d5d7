// The GPU matcher over the flat trie (WebGPU through Dawn) and its device lifecycle.
export { acquireGpu, type AdapterReport, adapterReport, closeGpu, devicesCreated, type GpuContext, type GpuLimits, openGpu } from './device.js';
export { GpuDeviceLostError, GpuError, GpuExecutionError, GpuUnavailableError } from './errors.js';
export {
  type CompactMatches,
  type FallbackReason,
  type GpuBatchMetrics,
  GpuMatcher,
  type GpuMatcherOptions,
  KERNEL_MAX_DEPTH,
  KERNEL_MAX_VARS,
} from './matcher.js';
export { GpuSyncClient } from './sync-client.js';
export { GpuSpaceQueries, type GpuSpaceQueryStats } from './space-queries.js';
