// The comparison of GPU and CPU match results lives in src/bench/same-hits.ts, where the real-GPU
// check (src/bench/gpu-check.ts) uses it too.
export { canonicalHits, expectSameHits, firstDifference } from '../../src/bench/same-hits.js';
