// Loads WGSL kernels from the package's shaders/ folder.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/index.js';

const cache = new Map<string, string>();

export function shaderSource(name: string): string {
  let text = cache.get(name);
  if (text !== undefined) return text;
  const path = join(packageRoot, 'shaders', name);
  if (!existsSync(path)) throw new Error(`shader ${name} not found (looked in ${path})`);
  text = readFileSync(path, 'utf8');
  cache.set(name, text);
  return text;
}
