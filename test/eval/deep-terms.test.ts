// A term built at run time is walked in linear time: before groundness was cached, every step of
// a walk re-read the whole remaining term (16k: 6.3 s, 64k: 75 s; 100k never finished in 60 s).
// This test would run into the test timeout then; speed itself is measured by the benchmarks.

import { expect, it } from 'vitest';
import { runProgramText } from '../helpers/run-program.js';

const BUILD = '(= (mk $n) (if (== $n 0) Z (S (mk (- $n 1)))))\n';

it('walks and compares a 100,000-deep term built at run time', () => {
  const text = `${BUILD}(= (cnt Z) 0)\n(= (cnt (S $x)) (+ 1 (cnt $x)))\n!(let $d (mk 100000) (cnt $d))\n!(let $d (mk 20000) (== $d $d))\n`;
  const r = runProgramText(text, 'deep.metta');
  expect(r.err).toBe('');
  expect(r.out).toBe('[100000]\n[True]\n');
});
