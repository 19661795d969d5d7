// The one definition of everything the host and shaders/trie-match.wgsl must agree on: workgroup
// size, kernel limits, flag bits, the token encoding's constants, the structs and bindings of the
// kernel, and the binding-record layout. `kernelPrelude()` writes them as WGSL declarations, which
// pipelines.ts prepends to the shader when it creates the module; the host packs and unpacks
// buffers through the same objects (in the manner of TypeGPU / webgpu-utils, without the library).

import { PAYLOAD_MASK, TAG_SHIFT, Tag, token } from '../space/index.js';
import { ShaderStage } from './flags.js';

/** Invocations per workgroup of both entry points (one pattern per invocation). */
export const WORKGROUP_SIZE = 64;
/** Variables of a pattern, and of a stored atom the walk reaches; larger go to the CPU. */
export const KERNEL_MAX_VARS = 16;
/** Tokens of a stored atom the walk reaches (the walk and path stacks). */
export const KERNEL_MAX_DEPTH = 64;
/** The unifier's frames (open expression pairs) and the occurs check's stack. */
export const KERNEL_MAX_UFRAMES = 32;
export const KERNEL_MAX_SCAN = 32;
/** An unbound variable in a binding record. */
export const UNBOUND = 0xffffffff;

/** Bits of a pattern's count flags: the kernel sets the first three, the host OUTPUT. */
export const Flag = { DEPTH: 1, VARS: 2, STACK: 4, OUTPUT: 8 } as const;

/** A struct of u32 fields: its WGSL declaration and, for the host, word offsets and packing. */
export interface U32Struct<F extends string> {
  readonly name: string;
  readonly fields: readonly F[];
  /** Size (and array stride: every field is a u32) in words and bytes. */
  readonly words: number;
  readonly bytes: number;
  /** Word offset of each field. */
  readonly at: Readonly<Record<F, number>>;
  readonly wgsl: string;
  /** The struct's words, fields not given left 0. */
  pack(values: Partial<Record<F, number>>): Uint32Array;
}

function u32Struct<F extends string>(name: string, fields: readonly F[]): U32Struct<F> {
  const at = Object.fromEntries(fields.map((f, i) => [f, i])) as Record<F, number>;
  return {
    name,
    fields,
    words: fields.length,
    bytes: fields.length * 4,
    at,
    wgsl: `struct ${name} {\n${fields.map((f) => `  ${f}: u32,\n`).join('')}}`,
    pack(values) {
      const w = new Uint32Array(fields.length);
      for (const f of fields) w[at[f]] = values[f] ?? 0;
      return w;
    },
  };
}

/**
 * Per pattern, uploaded: where its tokens are, how many variables, where its records go, and for
 * the list path the leaves it tries, trieAux[listStart, listEnd) (leaf-postings.ts); listEnd 0:
 * the walk (a list never ends at 0: the parents come first).
 */
export const PatInfo = u32Struct('PatInfo', ['tokStart', 'tokCount', 'varCount', 'outOffset', 'listStart', 'listEnd']);
/**
 * Per pattern, written by the count pass: words of output it needs, its flags, and its work — walk
 * loop iterations (`steps`: each child tried, each frame left) and reads of the trie and pattern
 * buffers (`loads`: binary-search probes included). 16 bytes read back per pattern.
 */
export const PatCount = u32Struct('PatCount', ['words', 'flags', 'steps', 'loads']);
/** The uniform of one dispatch: invocation i handles pattern firstPattern + i below patternCount. */
export const Params = u32Struct('Params', ['patternCount', 'firstPattern', 'pad0', 'pad1']);
// A uniform struct's size must be a multiple of 16 bytes.
if (Params.bytes % 16 !== 0) throw new Error('Params must fill whole 16-byte rows');

/**
 * A binding record, one per (pattern, matched leaf): [leaf node, stored variable count sv,
 * bind0[0 .. nv), bind1[0 .. sv)], nv the pattern's variable count. bindK[level] is a reference
 * (offset * 2 + side; side 0 the pattern, side 1 the leaf's token string) or UNBOUND.
 */
export const BindingRecord = {
  leaf: 0,
  storedVars: 1,
  /** Index of bind0[0]; bind1[0] follows the nv pattern-variable words. */
  bind0: 2,
  words: (nv: number, sv: number): number => 2 + nv + sv,
} as const;

type BindingKind = 'read-only-storage' | 'storage' | 'uniform';

/** The kernel's bindings (group 0), in binding-index order. */
export const BINDINGS = [
  { name: 'trieTok', kind: 'read-only-storage', type: 'array<u32>' }, // FlatTrie.tok
  { name: 'trieStart', kind: 'read-only-storage', type: 'array<u32>' }, // FlatTrie.childStart
  { name: 'trieAux', kind: 'read-only-storage', type: 'array<u32>' }, // LeafPostings.aux: parents, then lists
  { name: 'patTok', kind: 'read-only-storage', type: 'array<u32>' }, // every pattern's tokens
  { name: 'patEnds', kind: 'read-only-storage', type: 'array<u32>' }, // per token: end of its sub-term
  { name: 'patInfo', kind: 'read-only-storage', type: `array<${PatInfo.name}>` },
  { name: 'counts', kind: 'storage', type: `array<${PatCount.name}>` },
  { name: 'out', kind: 'storage', type: 'array<u32>' }, // binding records
  { name: 'params', kind: 'uniform', type: Params.name },
] as const satisfies readonly { name: string; kind: BindingKind; type: string }[];

export type BindingName = (typeof BINDINGS)[number]['name'];

const addressSpace: Record<BindingKind, string> = {
  'read-only-storage': 'storage, read',
  storage: 'storage, read_write',
  uniform: 'uniform',
};

/** WGSL declarations of every constant, struct and binding above. */
/**
 * The pipeline-overridable constant that turns the count pass's work counters on (PatCount.steps /
 * .loads); off, they are compiled out and read 0. Debugging aid: see GpuMatcherOptions.workCounters.
 */
export const WORK_COUNTERS_CONSTANT = 'COUNT_WORK';

export function kernelPrelude(): string {
  const u32 = (name: string, v: number): string => `const ${name}: u32 = ${v >>> 0}u;`;
  return [
    '// Generated by src/gpu/kernel-layout.ts (prepended to the shader at module creation).',
    u32('WORKGROUP_SIZE', WORKGROUP_SIZE),
    `override ${WORK_COUNTERS_CONSTANT}: bool = false;`,
    u32('MAX_VARS', KERNEL_MAX_VARS),
    u32('MAX_DEPTH', KERNEL_MAX_DEPTH),
    u32('MAX_UFRAMES', KERNEL_MAX_UFRAMES),
    u32('MAX_SCAN', KERNEL_MAX_SCAN),
    u32('NONE', UNBOUND),
    u32('FLAG_DEPTH', Flag.DEPTH),
    u32('FLAG_VARS', Flag.VARS),
    u32('FLAG_STACK', Flag.STACK),
    u32('REC_LEAF', BindingRecord.leaf),
    u32('REC_SV', BindingRecord.storedVars),
    u32('REC_BIND0', BindingRecord.bind0),
    u32('TAG_SHIFT', TAG_SHIFT),
    u32('PAYLOAD_MASK', PAYLOAD_MASK),
    u32('TAG_EXPR', Tag.Expr),
    u32('TAG_NEWVAR', Tag.NewVar),
    `${u32('FIRST_NON_VAR', token(Tag.Expr, 0))} // NEWVAR and VARREF tokens are below it`,
    PatInfo.wgsl,
    PatCount.wgsl,
    Params.wgsl,
    ...BINDINGS.map((b, i) => `@group(0) @binding(${i}) var<${addressSpace[b.kind]}> ${b.name}: ${b.type};`),
    '',
  ].join('\n');
}

/** The bind group layout entries, from BINDINGS. */
export function bindGroupLayoutEntries(): GPUBindGroupLayoutEntry[] {
  return BINDINGS.map((b, i) => ({ binding: i, visibility: ShaderStage.COMPUTE, buffer: { type: b.kind } }));
}

/** Bind group entries from one buffer range per binding name. */
export function bindGroupEntries(resources: Readonly<Record<BindingName, GPUBufferBinding>>): GPUBindGroupEntry[] {
  return BINDINGS.map((b, i) => ({ binding: i, resource: resources[b.name] }));
}
