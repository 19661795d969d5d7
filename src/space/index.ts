// The atom space and its flat trie encoding.
export { AtomSpace, type SpaceSnapshot, type SpaceView } from './atom-space.js';
export { AtomStore } from './atom-store.js';
export * from './encoding.js';
export { buildFlatTrie, emptyFlatTrie, type FlatTrie, findChild, idsWithTokens, sharedU32 } from './flat-trie.js';
