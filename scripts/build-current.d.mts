/** Compiled files under dist/src and dist/bench whose .ts source no longer exists. */
export function orphans(root: string): string[];
/** Builds `root`'s dist/ from its sources (incrementally) and removes orphans; returns what it removed. */
export function buildCurrent(root?: string): string[];
