// Typed GPU errors: every failure of the GPU path is one of these, so a caller can fall back to the
// CPU matcher with the same answers (`err instanceof GpuError`).

/** Base of every GPU-path failure. */
export class GpuError extends Error {
  override readonly name: string = 'GpuError';
}

/** No WebGPU implementation, no adapter, or the device could not be created. */
export class GpuUnavailableError extends GpuError {
  override readonly name = 'GpuUnavailableError';
}

/** The device was lost (driver reset, destroyed mid-batch); the work in flight is abandoned. */
export class GpuDeviceLostError extends GpuError {
  override readonly name = 'GpuDeviceLostError';
  constructor(
    message: string,
    /** The `GPUDeviceLostInfo.reason` ('destroyed' or 'unknown') when known. */
    readonly reason: string = 'unknown',
  ) {
    super(message);
  }
}

/** A validation or out-of-memory error raised by the device while running a batch. */
export class GpuExecutionError extends GpuError {
  override readonly name = 'GpuExecutionError';
}
