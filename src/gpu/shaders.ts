// Loads WGSL kernels from the package's shaders/ folder (beside src/ in the sources, two levels
// above dist/src/gpu once compiled).

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, string>();

export function shaderSource(name: string): string {
  let text = cache.get(name);
  if (text !== undefined) return text;
  const candidates = [new URL(`../../shaders/${name}`, import.meta.url), new URL(`../../../shaders/${name}`, import.meta.url)];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) {
      text = readFileSync(path, 'utf8');
      cache.set(name, text);
      return text;
    }
  }
  throw new Error(`shader ${name} not found (looked in ${candidates.map((u) => fileURLToPath(u)).join(', ')})`);
}
