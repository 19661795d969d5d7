// A small XML well-formedness check for generated SVG (no dependency): one root element, every tag
// closed in order, attributes `name="value"` without duplicates, `&` only in entities, and nothing
// but whitespace outside the root (after an optional declaration).

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

export function parseXml(source: string): XmlElement {
  let i = 0;
  const text = source.replace(/^<\?xml[^?]*\?>/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at ${i}: ${why}`);
  };
  const checkText = (t: string): void => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(t)) fail(`bare & in ${JSON.stringify(t.slice(0, 40))}`);
    if (t.includes('<') || t.includes('>')) fail('< or > in text');
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (stack.length === 0) {
      if (chunk.trim() !== '') fail('text outside the root');
    } else {
      checkText(chunk);
      stack[stack.length - 1]!.text += chunk;
    }
    if (lt < 0) break;
    const gt = text.indexOf('>', lt);
    if (gt < 0) fail('unclosed tag');
    const tag = text.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open === undefined || open.name !== name) fail(`</${name}> closes ${open?.name ?? 'nothing'}`);
      continue;
    }
    if (tag.startsWith('!--')) continue;
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z_][\w:.-]*)([\s\S]*)$/.exec(body);
    if (m === null) fail(`bad tag <${tag}>`);
    const attrs: Record<string, string> = {};
    let rest = m![2]!;
    const attr = /^\s+([A-Za-z_][\w:.-]*)="([^"<]*)"/;
    for (;;) {
      const a = attr.exec(rest);
      if (a === null) break;
      if (a[1]! in attrs) fail(`duplicate attribute ${a[1]}`);
      checkText(a[2]!);
      attrs[a[1]!] = a[2]!;
      rest = rest.slice(a[0].length);
    }
    if (rest.trim() !== '') fail(`bad attributes in <${tag}>`);
    const el: XmlElement = { name: m![1]!, attrs, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
    else if (root !== null) fail('a second root element');
    else root = el;
    if (!selfClosing) stack.push(el);
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]!.name}> never closed`);
  if (root === null) fail('no root element');
  return root!;
}

/** Every element of the tree, depth first. */
export function allElements(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    out.push(el);
    for (let k = el.children.length - 1; k >= 0; k--) stack.push(el.children[k]!);
  }
  return out;
}
