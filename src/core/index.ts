// Atoms, symbols, values, bindings and unification, the reader and the printer.
export * from './atoms.js';
export * from './values.js';
export * from './bindings.js';
export * from './equality.js';
export * from './fresh.js';
export * from './errors.js';
export * from './parser.js';
export * from './printer.js';
export { internSymbolName, symbolName, symbolCount } from './symbols.js';
export * from "./log.js";
