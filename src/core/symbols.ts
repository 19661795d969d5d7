// Process-wide symbol interning: every symbol name gets a small integer id, the payload of the
// symbol token in the flat trie encoding. Ids are dense and never reused.

const idsByName = new Map<string, number>();
const names: string[] = [];

export function internSymbolName(name: string): number {
  let id = idsByName.get(name);
  if (id === undefined) {
    id = names.length;
    names.push(name);
    idsByName.set(name, id);
  }
  return id;
}

export function symbolName(id: number): string {
  const name = names[id];
  if (name === undefined) throw new RangeError(`unknown symbol id ${id}`);
  return name;
}

export function symbolCount(): number {
  return names.length;
}
