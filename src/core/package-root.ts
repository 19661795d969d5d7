// Where the package is on disk, found from this module's own file: it runs from the sources
// (src/core/), from tsc's output (dist/src/core/) or from a bundle chunk (dist/bundle/), so the
// root is the nearest folder above that holds the package's package.json.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'metta-gpu';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // not ours: keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`the ${PACKAGE_NAME} package folder is not above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The package's folder (holding package.json, bin/, dist/, shaders/). */
export const packageRoot: string = findPackageRoot();

/** How the running code was built: from the sources (vitest), tsc's dist/src, or the bundle in dist/bundle. */
export const codeLayout: 'source' | 'compiled' | 'bundle' = import.meta.url.endsWith('.ts') ? 'source' : import.meta.url.includes('/dist/bundle/') ? 'bundle' : 'compiled';
