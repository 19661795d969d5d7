// Runs once before any test: worker threads, the GPU thread and the CLI subprocesses load the
// compiled dist/, so it is rebuilt from the current sources first (incrementally: a few seconds
// when little changed). test/build/current-build.test.ts proves that the build is current.

import { buildCurrent } from '../scripts/build-current.mjs';

export default function setup(): void {
  buildCurrent();
}
