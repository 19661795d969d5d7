// A table keyed by a call's head and its number of elements: what the tier keeps per rule set.

import type { Atom } from '../../core/index.js';

export class HeadTable<V> {
  private readonly byHead = new Map<Atom, Map<number, V>>();

  get(head: Atom, arity: number): V | undefined {
    return this.byHead.get(head)?.get(arity);
  }

  set(head: Atom, arity: number, value: V): void {
    let byArity = this.byHead.get(head);
    if (byArity === undefined) {
      byArity = new Map();
      this.byHead.set(head, byArity);
    }
    byArity.set(arity, value);
  }

  delete(head: Atom, arity: number): void {
    this.byHead.get(head)?.delete(arity);
  }
}
