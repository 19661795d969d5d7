// The package's version (package.json), for `metta --version` and the engine version that
// `metta compile` records in a compiled space.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../core/index.js';

export async function packageVersion(): Promise<string> {
  try {
    return (JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
