// WebGPU's flag constants, by the spec's names. The `webgpu` package installs the globals
// GPUBufferUsage / GPUMapMode / GPUShaderStage only when device.ts opens a device (Dawn is loaded
// lazily), but module-level constants and a mock device (test/gpu) need them before or without
// Dawn. The values are fixed by the WebGPU specification; device.ts checks them against Dawn's.

export const BufferUsage: GPUBufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  INDEX: 0x0010,
  VERTEX: 0x0020,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  INDIRECT: 0x0100,
  QUERY_RESOLVE: 0x0200,
};

export const MapMode: GPUMapMode = { READ: 0x0001, WRITE: 0x0002 };

export const ShaderStage: GPUShaderStage = { VERTEX: 0x1, FRAGMENT: 0x2, COMPUTE: 0x4 };

/** The constants above whose value differs from the `webgpu` package's globals (empty: they agree). */
export function flagMismatches(globals: Record<string, unknown>): string[] {
  const bad: string[] = [];
  const tables: [string, object][] = [
    ['GPUBufferUsage', BufferUsage],
    ['GPUMapMode', MapMode],
    ['GPUShaderStage', ShaderStage],
  ];
  for (const [name, ours] of tables) {
    const theirs = globals[name] as Record<string, unknown> | undefined;
    if (theirs === undefined) continue;
    for (const [k, v] of Object.entries(ours)) if (theirs[k] !== v) bad.push(`${name}.${k}`);
  }
  return bad;
}
