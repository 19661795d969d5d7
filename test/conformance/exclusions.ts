// What each backend of the conformance harness does not run, and why (backends.ts). Every entry is
// checked: the case must exist, and an entry of kind `differs` is run and must still differ, so a
// fixed backend makes its stale exclusion fail. Kinds:
//
// - `differs`: the backend runs the case and gives another answer (a known, accepted difference);
// - `not-applicable`: the case cannot run on the backend (it reads stdin, depends on timing, or
//   needs something the backend does not take); the reason says what.

import type { MatchingBackendName, ProgramBackendName } from './backends.js';

export interface Exclusion {
  /** A test/metta program (`NAME.metta`), or a matching scenario of matching.property.test.ts. */
  readonly case: string;
  readonly kind: 'differs' | 'not-applicable';
  readonly reason: string;
}

/** Per program backend: excluded test/metta programs. */
export const PROGRAM_EXCLUSIONS: Readonly<Record<ProgramBackendName, readonly Exclusion[]>> = {
  sequential: [],
  interpreted: [],
  pool: [],
  'batched-cpu': [],
  'batched-gpu-standin': [],
  gpu: [],
};

// Every GPU caller (GpuSpaceQueries for evaluation, GpuPatterns of src/query for metta query) hands
// the kernel a snapshot, which it walks as an uploaded trie: the live index never reaches it. They
// join conjunctions `(, p1 p2 ...)` on the CPU; the kernel would read `,` as a symbol.
const GPU_EXCLUSIONS: readonly Exclusion[] = [
  { case: 'live', kind: 'not-applicable', reason: 'the GPU matches frozen snapshots only: the live index never reaches it' },
  { case: 'mixed', kind: 'not-applicable', reason: 'the GPU matches frozen snapshots only: the live index never reaches it' },
  { case: 'removed-live', kind: 'not-applicable', reason: 'the GPU matches frozen snapshots only: the live index never reaches it' },
  { case: 'conjunction', kind: 'not-applicable', reason: 'conjunctions are joined on the CPU by every GPU caller; the kernel takes plain patterns' },
  { case: 'conjunction-live', kind: 'not-applicable', reason: 'conjunctions are joined on the CPU by every GPU caller, and the live index never reaches the GPU' },
];

/** Per matching backend: excluded scenarios (SCENARIOS in matching.property.test.ts). */
export const MATCHING_EXCLUSIONS: Readonly<Record<MatchingBackendName, readonly Exclusion[]>> = {
  naive: [],
  'cpu-trie': [],
  gpu: GPU_EXCLUSIONS,
  // The mock device runs the same host code: the same cases do not apply.
  'gpu-mock': GPU_EXCLUSIONS,
  'query-pool': [
    // metta query loads, then freezes the space before the workers attach to its shared arrays.
    { case: 'live', kind: 'not-applicable', reason: 'metta query freezes the space before the pool opens: the live index never reaches it' },
    { case: 'mixed', kind: 'not-applicable', reason: 'metta query freezes the space before the pool opens: the live index never reaches it' },
    { case: 'removed-live', kind: 'not-applicable', reason: 'metta query freezes the space before the pool opens: the live index never reaches it' },
    { case: 'conjunction-live', kind: 'not-applicable', reason: 'metta query freezes the space before the pool opens: the live index never reaches it' },
  ],
};

export function excluded(list: readonly Exclusion[], name: string): Exclusion | undefined {
  return list.find((e) => e.case === name);
}
