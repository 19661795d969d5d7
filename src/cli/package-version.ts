// The package's version (package.json), for `metta --version` and the engine version that
// `metta compile` records in a compiled space.

import { readFile } from 'node:fs/promises';

export async function packageVersion(): Promise<string> {
  const url = new URL('../../../package.json', import.meta.url);
  try {
    return (JSON.parse(await readFile(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
