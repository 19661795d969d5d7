// Atoms, symbols, values, bindings and unification, the reader and the printer.
export * from './atoms.js';
export * from './values.js';
export * from './bindings.js';
export * from './equality.js';
export * from './fresh.js';
export * from './errors.js';
export { decodeSource, firstInvalidUtf8, readSourceFile } from './source-text.js';
export * from './parser.js';
export * from './printer.js';
export { internSymbolAscii, internSymbolName, internSymbolsAscii, reserveSymbols, symbolName, symbolCount } from './symbols.js';
export * from './log.js';
export { PrefixBuilder } from './prefix-builder.js';
export { type SharedInternHandles, SharedInternTable } from './shared-intern.js';
export { inheritedTables, type SharedTables, symbolTableHandles } from './symbols.js';
export { compiledWorkerScript, workerScript, WorkerScriptMissingError } from './worker-script.js';
export { codeLayout, packageRoot } from './package-root.js';
export { NotShippable, readAtom, readBindings, type Wire, writeAtom, writeBindings } from './atom-wire.js';
export { readFileShared } from './read-shared.js';
