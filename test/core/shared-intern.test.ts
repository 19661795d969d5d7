// The shared intern table gives every thread the same ids for the same strings.

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SharedInternTable } from '../../src/core/shared-intern.js';

describe('SharedInternTable', () => {
  it('interns, looks up, names and grows (20,000 keys, unicode included)', () => {
    const table = SharedInternTable.create();
    const keys = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `sym${i}` : i % 3 === 1 ? `ключ-${i}-🙂` : `s"${i}"\n`));
    const ids = keys.map((k) => table.intern(k));
    expect(new Set(ids).size).toBe(keys.length);
    expect(keys.map((k) => table.intern(k))).toEqual(ids);
    expect(ids.map((id) => table.keyOf(id))).toEqual(keys);
    const anonymous = table.allocate();
    expect(table.keyOf(anonymous)).toBeNull();
    expect(table.lookup('never interned')).toBe(-1);
    expect(table.count()).toBe(keys.length + 1);
    const other = SharedInternTable.attach(table.handles);
    expect(other.intern('sym300')).toBe(ids[300]);
    expect(other.intern('new one')).toBe(keys.length + 1);
    expect(table.keyOf(keys.length + 1)).toBe('new one');
  });

  it('interns ASCII bytes as the same strings, in either order, growing past its first tables', () => {
    const table = SharedInternTable.create();
    const ascii = (k: string): Uint8Array => new TextEncoder().encode(k);
    const keys = Array.from({ length: 10_000 }, (_, i) => (i % 4 === 0 ? '' : `n${i}`)).filter((k, i) => k !== '' || i === 0);
    // Half by string first, half by bytes first; then each the other way.
    const ids = keys.map((k, i) => (i % 2 === 0 ? table.intern(k) : table.internAscii(ascii(k))));
    expect(new Set(ids).size).toBe(keys.length);
    expect(keys.map((k, i) => (i % 2 === 0 ? table.internAscii(ascii(k)) : table.intern(k)))).toEqual(ids);
    expect(ids.map((id) => table.keyOf(id))).toEqual(keys);
    expect(keys.map((k) => table.lookup(k))).toEqual(ids);
    // A prefix, a longer key and a same-length key are other strings.
    expect(table.internAscii(ascii('n1'))).toBe(table.intern('n1'));
    const fresh = [table.internAscii(ascii('n12345678')), table.internAscii(ascii('m1')), table.internAscii(ascii('n'))];
    expect(new Set([...fresh, ...ids]).size).toBe(keys.length + 3);
    expect(fresh.map((id) => table.keyOf(id))).toEqual(['n12345678', 'm1', 'n']);
    // A span of a larger array.
    const packed = ascii('xxn12345678yy');
    expect(table.internAscii(packed, 2, 11)).toBe(fresh[0]);
    expect(table.internAscii(packed, 2, 4)).toBe(table.intern('n1'));
  });

  it('interns a batch of ASCII spans as one by one would: known names found, repeats in the batch one id, new ones published', () => {
    const table = SharedInternTable.create();
    const known = ['n1', 'edge', 'n3'].map((k) => table.intern(k));
    const names = ['edge', 'n2', 'n1', 'n2', '', 'n30', 'n3', 'n300'];
    const text = names.join('|');
    const spans = new Uint32Array(2 * names.length);
    let at = 0;
    names.forEach((n, i) => {
      spans[2 * i] = at;
      spans[2 * i + 1] = at + n.length;
      at += n.length + 1;
    });
    const ids = new Uint32Array(names.length);
    table.internAsciiBatch(new TextEncoder().encode(text), spans, names.length, ids);
    expect(ids[0]).toBe(known[1]);
    expect(ids[2]).toBe(known[0]);
    expect(ids[6]).toBe(known[2]);
    expect(ids[3]).toBe(ids[1]);
    // New ids in first-seen order, right after the known ones, and readable by name from any view.
    expect([ids[1], ids[4], ids[5], ids[7]]).toEqual([3, 4, 5, 6]);
    expect([...ids].map((id) => table.keyOf(id))).toEqual(names);
    expect(table.count()).toBe(7);
    const other = SharedInternTable.attach(table.handles);
    expect(other.intern('n300')).toBe(ids[7]);
    expect(names.map((n) => table.lookup(n))).toEqual([...ids]);
    // A batch large enough to grow every table on its way.
    const many = Array.from({ length: 30_000 }, (_, i) => `k${i}`);
    const bytes = new TextEncoder().encode(many.join(''));
    const manySpans = new Uint32Array(2 * many.length);
    let p = 0;
    many.forEach((n, i) => {
      manySpans[2 * i] = p;
      p += n.length;
      manySpans[2 * i + 1] = p;
    });
    const manyIds = new Uint32Array(many.length);
    table.internAsciiBatch(bytes, manySpans, many.length, manyIds);
    expect(many.map((n) => table.lookup(n))).toEqual([...manyIds]);
    expect(new Set(manyIds).size).toBe(many.length);
  });

  it('agrees across threads that intern concurrently', async () => {
    const table = SharedInternTable.create();
    const url = new URL('../../dist/src/core/shared-intern.js', import.meta.url).href;
    const script = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.url).then(({ SharedInternTable }) => {
        const t = SharedInternTable.attach(workerData.handles);
        const ids = [];
        for (let i = 0; i < 3000; i++) ids.push(t.intern('k' + ((i * workerData.step) % 3000)));
        parentPort.postMessage(ids);
      });`;
    const run = (step: number): Promise<number[]> =>
      new Promise((resolve, reject) => {
        const w = new Worker(script, { eval: true, workerData: { url, handles: table.handles, step } });
        w.once('message', resolve);
        w.once('error', reject);
      });
    const [a, b] = await Promise.all([run(7), run(11)]);
    const byKey = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      byKey.set('k' + ((i * 7) % 3000), a![i]!);
    }
    for (let i = 0; i < 3000; i++) expect(b![i]).toBe(byKey.get('k' + ((i * 11) % 3000)));
    expect(table.count()).toBe(3000);
    for (const [k, id] of byKey) expect(table.keyOf(id)).toBe(k);
    // The workers grew every buffer and rehashed the slots: this thread's views catch up.
    for (const [k, id] of byKey) expect(table.intern(k)).toBe(id);
    expect(table.intern('after the workers')).toBe(3000);
    expect(table.keyOf(3000)).toBe('after the workers');
  });

  it('tells a key from a stored string of the same hash whose UTF-8 bytes equal its UTF-16 units', () => {
    const table = SharedInternTable.create();
    // "b\u00a9\u0552\u0540" is stored as 7 bytes; the key made of those 7 byte values as UTF-16
    // units has the same FNV-1a hash (found by a search), so only the comparison can tell them apart.
    const stored = 'b\u00a9\u0552\u0540';
    const lookalike = String.fromCharCode(...new TextEncoder().encode(stored));
    const storedId = table.intern(stored);
    expect(table.lookup(lookalike)).toBe(-1);
    const lookalikeId = table.intern(lookalike);
    expect(lookalikeId).not.toBe(storedId);
    expect([table.keyOf(storedId), table.keyOf(lookalikeId)]).toEqual([stored, lookalike]);
    expect([table.intern(stored), table.intern(lookalike)]).toEqual([storedId, lookalikeId]);
  });
});
