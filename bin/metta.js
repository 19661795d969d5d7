#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the `prepare` script): tsc's output
// in dist/src, and the same bundled into a few files in dist/bundle (faster to load), which runs
// unless it is older than dist/src (a `tsc` run without the bundle step).
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const compiled = join(dist, 'src', 'cli', 'main.js');
const bundled = join(dist, 'bundle', 'cli', 'main.js');
if (!existsSync(compiled)) {
  process.stderr.write('metta: the engine is not built yet; run `npm install` (or `npm run build`) in the package folder\n');
  process.exit(2);
}
const entry = existsSync(bundled) && statSync(bundled).mtimeMs >= statSync(compiled).mtimeMs ? bundled : compiled;
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
