// The atom space, its incremental index and its flat trie encoding.
export { AtomSpace, type FrozenView, type IndexedView, isIndexedView, type SharedSpace, type SpaceSnapshot, type SpaceView } from './atom-space.js';
export { AtomStore } from './atom-store.js';
export { AtomIndex, firstChildSignature, indexedPositions, MAX_POSITIONS, NONE, SIG_NONE, SIG_OPEN } from './atom-index.js';
export { IndexImageError, INDEX_SECTION_COUNT, indexFromSections, indexToSections } from './index-image.js';
export { candidateIds, candidateLists, mergeLive } from './index-candidates.js';
export { COMPACT_MIN_DEAD, PostingArena } from './posting-arena.js';
export { ABSENT, PairTable } from './pair-table.js';
export * from './encoding.js';
export { buildFlatTrie, emptyFlatTrie, type FlatTrie, findChild, idsWithTokens, sharedU32 } from './flat-trie.js';
