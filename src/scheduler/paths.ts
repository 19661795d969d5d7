// The paths a batch of space queries can be answered on, and the `--gpu` modes that open them:
// the one definition every layer above uses.

/** The CPU on the calling thread, the worker pool, the GPU. */
export const MATCH_PATHS = ['cpu', 'pool', 'gpu'] as const;
export type MatchPath = (typeof MATCH_PATHS)[number];

/** `--gpu`: `on` forces the GPU, `auto` lets the calibrated cost model choose, `off` rules it out. */
export const GPU_MODES = ['auto', 'on', 'off'] as const;
export type GpuMode = (typeof GPU_MODES)[number];

export function isGpuMode(text: string): text is GpuMode {
  return (GPU_MODES as readonly string[]).includes(text);
}
