// `metta run FILE --space KB.mspace`: the compiled space (runner/mspace.ts) that `&self` starts
// as. A file that cannot be read or is not a usable compiled space is one line on stderr and exit
// code 2, as an unreadable program file is.

import { log } from '../core/index.js';
import { ExitCode, readSpaceImage, readSpaceImageFile, SpaceImageError } from '../runner/index.js';
import type { AtomSpace } from '../space/index.js';

/** The space in `file` numbered as `&self` is (GroundingSpace-1), or the exit code after reporting why not. */
export function loadCompiledSpace(file: string, err: (text: string) => void, bytes?: Uint8Array): AtomSpace | ExitCode {
  const t0 = performance.now();
  try {
    const loaded = bytes !== undefined ? readSpaceImage(bytes, { serial: 1 }) : readSpaceImageFile(file, { serial: 1 });
    log('info', `loaded the compiled space ${file} (written by metta ${loaded.engineVersion}): ${loaded.space.size} atoms in ${(performance.now() - t0).toFixed(1)} ms`);
    return loaded.space;
  } catch (e) {
    if (e instanceof SpaceImageError) {
      err(`metta: cannot load compiled space ${file}: ${e.message}\n`);
      return ExitCode.Usage;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') {
      err(`metta: cannot read compiled space ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
      return ExitCode.Usage;
    }
    throw e;
  }
}

/** The job's `--space`, loaded; null when it has none. */
export function loadSpaceFor(job: { readonly space?: string | null; readonly spaceBytes?: Uint8Array }, err: (text: string) => void): AtomSpace | null | ExitCode {
  return job.space == null ? null : loadCompiledSpace(job.space, err, job.spaceBytes);
}
