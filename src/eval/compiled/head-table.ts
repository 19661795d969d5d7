// A table keyed by a call's head, its number of elements and the type of the position it is
// evaluated in (%Undefined% unless given): what the tier keeps per rule set.

import type { Atom } from '../../core/index.js';
import { UNDEFINED } from '../types.js';

export class HeadTable<V> {
  private readonly byHead = new Map<Atom, Map<number, V>>();
  /** The tables of positions other than %Undefined%. */
  private readonly byPosition = new Map<Atom, HeadTable<V>>();

  get(head: Atom, arity: number, position: Atom = UNDEFINED): V | undefined {
    if (position !== UNDEFINED) return this.byPosition.get(position)?.get(head, arity);
    return this.byHead.get(head)?.get(arity);
  }

  set(head: Atom, arity: number, value: V, position: Atom = UNDEFINED): void {
    if (position !== UNDEFINED) {
      let table = this.byPosition.get(position);
      if (table === undefined) {
        table = new HeadTable();
        this.byPosition.set(position, table);
      }
      table.set(head, arity, value);
      return;
    }
    let byArity = this.byHead.get(head);
    if (byArity === undefined) {
      byArity = new Map();
      this.byHead.set(head, byArity);
    }
    byArity.set(arity, value);
  }

  delete(head: Atom, arity: number, position: Atom = UNDEFINED): void {
    if (position !== UNDEFINED) this.byPosition.get(position)?.delete(head, arity);
    else this.byHead.get(head)?.delete(arity);
  }
}
