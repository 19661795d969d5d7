// Symbol interning: every symbol name gets a small integer id, the payload of the symbol token in
// the flat trie encoding. Ids are dense and never reused.
//
// The table lives in shared memory (shared-intern.ts): a worker thread started with the tables of
// the thread that made it (`sharedTablesForWorker`, passed as `workerData.mettaTables`) attaches
// to them when this module loads, before any symbol is interned, so both threads give every name
// the same id and can read each other's token strings and tries as they are.

import { workerData } from 'node:worker_threads';
import { type SharedInternHandles, SharedInternTable } from './shared-intern.js';

/** The tables a worker thread needs to share ids with its parent (see `sharedTablesForWorker`). */
export interface SharedTables {
  readonly symbols: SharedInternHandles;
  readonly grounded: SharedInternHandles;
}

function inherited(): SharedTables | null {
  const data = workerData as { mettaTables?: SharedTables } | null | undefined;
  return data?.mettaTables ?? null;
}

export const inheritedTables = inherited();

const table = inheritedTables !== null ? SharedInternTable.attach(inheritedTables.symbols) : SharedInternTable.create();
const idsByName = new Map<string, number>();
const names: string[] = [];

export function internSymbolName(name: string): number {
  let id = idsByName.get(name);
  if (id === undefined) {
    id = table.intern(name);
    names[id] = name;
    idsByName.set(name, id);
  }
  return id;
}

/**
 * The id of the symbol whose name is the ASCII bytes `utf8[start, end)` (the caller checked), without making
 * the name as a string: this thread's caches fill when the name is first used (symbolName and
 * internSymbolName find it in the shared table).
 */
/** Room in the symbol table for `count` more names of `bytes` bytes in all (before interning many). */
export function reserveSymbols(count: number, bytes: number): void {
  table.reserveCapacity(count, bytes);
}

/** `internSymbolAscii` of many names under one lock of the shared table (SharedInternTable.internAsciiBatch). */
export function internSymbolsAscii(utf8: Uint8Array, spans: Uint32Array, count: number, ids: Uint32Array): void {
  table.internAsciiBatch(utf8, spans, count, ids);
}

export function internSymbolAscii(utf8: Uint8Array, start = 0, end = utf8.length): number {
  return table.internAscii(utf8, start, end);
}

export function symbolName(id: number): string {
  let name = names[id];
  if (name === undefined) {
    // Interned by another thread sharing the table.
    const shared = table.keyOf(id);
    if (shared === null) throw new RangeError(`unknown symbol id ${id}`);
    name = shared;
    names[id] = name;
    idsByName.set(name, id);
  }
  return name;
}

/** Ids handed out so far, by every thread sharing the table. */
export function symbolCount(): number {
  return table.count();
}

export function symbolTableHandles(): SharedInternHandles {
  return table.handles;
}
