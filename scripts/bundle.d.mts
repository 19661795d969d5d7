/** Entries under dist/src that the bundle has: the command, and every file a Worker is started on. */
export const BUNDLE_ENTRIES: readonly string[];
/** Writes dist/bundle from dist/src (which must be built); replaces what was there. */
export function bundle(root?: string): void;
