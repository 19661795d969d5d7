// A whole file read into a SharedArrayBuffer: a compiled space's arrays live there and worker
// threads read them in place. Imports nothing of the engine: the CLI's main thread reads a
// `--space` file with it while the run's thread is still starting (cli/main.ts).

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export function readFileShared(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    let at = 0;
    while (at < size) {
      const n = readSync(fd, bytes, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}
