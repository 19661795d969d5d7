// The effect of shaders/trie-match.wgsl in JavaScript, line for line, for the mock device: one
// call per invocation, over the buffers bound to the dispatch. It reads every constant and struct
// offset from src/gpu/kernel-layout.ts, as the generated WGSL prelude does. Reads and writes
// outside a binding throw (the real device would clamp them silently), so a host that sizes a
// binding wrongly fails the test instead of reading zeros.

import {
  BindingRecord,
  Flag,
  KERNEL_MAX_DEPTH,
  KERNEL_MAX_SCAN,
  KERNEL_MAX_UFRAMES,
  KERNEL_MAX_VARS,
  Params,
  PatCount,
  PatInfo,
  UNBOUND as NONE,
} from '../../src/gpu/kernel-layout.js';
import { PAYLOAD_MASK, Tag, TAG_SHIFT, token } from '../../src/space/encoding.js';

export type KernelBindings = Record<'trieTok' | 'trieStart' | 'trieAux' | 'patTok' | 'patEnds' | 'patInfo' | 'counts' | 'out' | 'params', Uint32Array>;

const FIRST_NON_VAR = token(Tag.Expr, 0);
const DOWN = 0x80000000;

export class BindingFault extends Error {}

function get(view: Uint32Array, name: string, i: number): number {
  if (!(i >= 0 && i < view.length)) throw new BindingFault(`kernel read ${name}[${i}] outside its binding (${view.length} words)`);
  return view[i]!;
}
function set(view: Uint32Array, name: string, i: number, v: number): void {
  if (!(i >= 0 && i < view.length)) throw new BindingFault(`kernel wrote ${name}[${i}] outside its binding (${view.length} words)`);
  view[i] = v;
}

const isVar = (t: number): boolean => t < FIRST_NON_VAR;
const arityOf = (t: number): number => (t >>> TAG_SHIFT === Tag.Expr ? t & PAYLOAD_MASK : 0);

/** Runs entry point `entry` for global invocation id `gid`. */
export function invoke(entry: 'count_main' | 'write_main', b: KernelBindings, gid: number, countWork: boolean): void {
  const pi = get(b.params, 'params', Params.at.firstPattern) + gid;
  if (pi >= get(b.params, 'params', Params.at.patternCount)) return;
  if (entry === 'write_main' && get(b.counts, 'counts', pi * PatCount.words + PatCount.at.flags) !== 0) return;
  run(b, pi, entry === 'write_main', countWork);
}

function run(b: KernelBindings, pi: number, write: boolean, countWork: boolean): void {
  const info = pi * PatInfo.words;
  const pBase = get(b.patInfo, 'patInfo', info + PatInfo.at.tokStart);
  const plen = get(b.patInfo, 'patInfo', info + PatInfo.at.tokCount);
  const nv = get(b.patInfo, 'patInfo', info + PatInfo.at.varCount);
  let outPos = get(b.patInfo, 'patInfo', info + PatInfo.at.outOffset);
  // The work counters (PatCount.steps / .loads): every read of these four buffers is a load.
  let steps = 0;
  let loads = 0;
  const patTok = (i: number): number => (loads++, get(b.patTok, 'patTok', pBase + i));
  const trieTok = (i: number): number => (loads++, get(b.trieTok, 'trieTok', i));
  const trieStart = (i: number): number => (loads++, get(b.trieStart, 'trieStart', i));
  const trieAux = (i: number): number => (loads++, get(b.trieAux, 'trieAux', i));
  const listStart = get(b.patInfo, 'patInfo', info + PatInfo.at.listStart);
  const listEnd = get(b.patInfo, 'patInfo', info + PatInfo.at.listEnd);
  const fP = new Uint32Array(KERNEL_MAX_DEPTH + 1);
  const fSkip = new Uint32Array(KERNEL_MAX_DEPTH + 1);
  const fNext = new Uint32Array(KERNEL_MAX_DEPTH + 1);
  const fStop = new Uint32Array(KERNEL_MAX_DEPTH + 1);
  const fExact = new Uint32Array(KERNEL_MAX_DEPTH + 1);
  const pathTok = new Uint32Array(KERNEL_MAX_DEPTH);
  const bind0 = new Uint32Array(KERNEL_MAX_VARS);
  const bind1 = new Uint32Array(KERNEL_MAX_VARS);
  let flags = 0;
  let words = 0;

  const tokAt = (r: number): number => ((r & 1) === 0 ? patTok(r >>> 1) : pathTok[r >>> 1]!);
  const binds = (r: number): Uint32Array => ((r & 1) === 0 ? bind0 : bind1);
  const deref = (start: number): number => {
    let r = start;
    for (;;) {
      const t = tokAt(r);
      if (!isVar(t)) return r;
      const next = binds(r)[t & PAYLOAD_MASK]!;
      if (next === NONE) return r;
      r = next;
    }
  };
  const skipTerm = (r0: number): number => {
    let r = r0;
    let pending = 1;
    while (pending > 0) {
      const t = tokAt(r);
      r += 2;
      pending = pending - 1 + arityOf(t);
    }
    return r;
  };
  const occurs = (varRef: number, term: number): boolean => {
    const side = varRef & 1;
    const level = tokAt(varRef) & PAYLOAD_MASK;
    const scan: number[] = [term];
    while (scan.length > 0) {
      let r = scan.pop()!;
      const rs = r & 1;
      let pending = 1;
      while (pending > 0) {
        const t = tokAt(r);
        r += 2;
        pending--;
        if (isVar(t)) {
          const l = t & PAYLOAD_MASK;
          if (rs === side && l === level) return true;
          const next = (rs === 0 ? bind0 : bind1)[l]!;
          if (next !== NONE) {
            if (scan.length === KERNEL_MAX_SCAN) {
              flags |= Flag.STACK;
              return true;
            }
            scan.push(next);
          }
        } else {
          pending += arityOf(t);
        }
      }
    }
    return false;
  };
  const unify = (): boolean => {
    const uX: number[] = [];
    const uY: number[] = [];
    const uRem: number[] = [];
    let x = 0;
    let y = 1;
    for (;;) {
      let descended = false;
      x = deref(x);
      y = deref(y);
      if (x !== y) {
        const tx = tokAt(x);
        const ty = tokAt(y);
        if (isVar(tx)) {
          const same = isVar(ty) && (x & 1) === (y & 1) && (tx & PAYLOAD_MASK) === (ty & PAYLOAD_MASK);
          if (!same) {
            if (occurs(x, y)) return false;
            binds(x)[tx & PAYLOAD_MASK] = y;
          }
        } else if (isVar(ty)) {
          if (occurs(y, x)) return false;
          binds(y)[ty & PAYLOAD_MASK] = x;
        } else {
          if (tx !== ty) return false;
          const arity = arityOf(tx);
          if (arity > 0) {
            if (uX.length === KERNEL_MAX_UFRAMES) {
              flags |= Flag.STACK;
              return false;
            }
            uX.push(x + 2);
            uY.push(y + 2);
            uRem.push(arity);
            x += 2;
            y += 2;
            descended = true;
          }
        }
      }
      if (descended) continue;
      // The pair is done: the next sibling pair, closing finished expressions.
      for (;;) {
        if (uX.length === 0) return true;
        const k = uX.length - 1;
        uRem[k]!--;
        if (uRem[k] === 0) {
          uX.pop();
          uY.pop();
          uRem.pop();
          continue;
        }
        uX[k] = skipTerm(uX[k]!);
        uY[k] = skipTerm(uY[k]!);
        x = uX[k]!;
        y = uY[k]!;
        break;
      }
    }
  };
  const lowerBound = (lo0: number, hi0: number, want: number): number => {
    let lo = lo0;
    let hi = hi0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (trieTok(mid) < want) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const setupFrame = (d: number, node: number, p: number, skip: number): void => {
    const first = trieStart(node);
    const last = trieStart(node + 1);
    fP[d] = p;
    fSkip[d] = skip;
    fNext[d] = first;
    const want = patTok(p);
    if (skip > 0 || isVar(want)) {
      fStop[d] = last;
      fExact[d] = NONE;
    } else {
      const varEnd = first < last && isVar(trieTok(first)) ? lowerBound(first + 1, last, FIRST_NON_VAR) : first;
      const e = lowerBound(varEnd, last, want);
      fNext[d] = varEnd;
      fStop[d] = (DOWN | first) >>> 0;
      fExact[d] = e < last && trieTok(e) === want ? e : NONE;
    }
  };

  // At leaf c, whose path is pathTok[0, len): false when a flag was raised (the caller stops).
  const visitLeaf = (c: number, len: number): boolean => {
    let sv = 0;
    for (let i = 0; i < len; i++) if (pathTok[i]! >>> TAG_SHIFT === Tag.NewVar) sv++;
    if (sv > KERNEL_MAX_VARS) {
      flags |= Flag.VARS;
      return false;
    }
    bind0.fill(NONE, 0, nv);
    bind1.fill(NONE, 0, sv);
    const ok = unify();
    if (flags !== 0) return false;
    if (ok) {
      if (write) {
        set(b.out, 'out', outPos + BindingRecord.leaf, c);
        set(b.out, 'out', outPos + BindingRecord.storedVars, sv);
        for (let i = 0; i < nv; i++) set(b.out, 'out', outPos + BindingRecord.bind0 + i, bind0[i]!);
        for (let i = 0; i < sv; i++) set(b.out, 'out', outPos + BindingRecord.bind0 + nv + i, bind1[i]!);
      }
      const size = BindingRecord.words(nv, sv);
      outPos += size;
      words += size;
    }
    return true;
  };
  const walk = (): void => {
    setupFrame(0, 0, 0, 0);
    let d = 0;
    for (;;) {
      steps++;
      let c: number;
      const stop = fStop[d]!;
      const down = stop >= DOWN;
      if (down && fNext[d]! > stop - DOWN) {
        c = fNext[d]! - 1;
        fNext[d] = c;
      } else if (!down && fNext[d]! < stop) {
        c = fNext[d]!;
        fNext[d] = c + 1;
      } else if (fExact[d] !== NONE) {
        c = fExact[d]!;
        fExact[d] = NONE;
      } else {
        if (d === 0) break;
        d--;
        continue;
      }
      const t = trieTok(c);
      const p = fP[d]!;
      const s = fSkip[d]!;
      let p2 = p + 1;
      let s2 = 0;
      if (s > 0 || isVar(patTok(p))) {
        const left = (s > 0 ? s : 1) - 1 + arityOf(t);
        if (left > 0) {
          p2 = p;
          s2 = left;
        }
      } else if (isVar(t)) {
        loads++;
        p2 = get(b.patEnds, 'patEnds', pBase + p);
      }
      if (d + 1 > KERNEL_MAX_DEPTH) {
        flags |= Flag.DEPTH;
        break;
      }
      pathTok[d] = t;
      if (s2 === 0 && p2 === plen) {
        if (!visitLeaf(c, d + 1)) break;
        continue;
      }
      d++;
      setupFrame(d, c, p2, s2);
    }
  };
  const runList = (): void => {
    for (let k = listStart; k < listEnd; k++) {
      steps++;
      const leaf = trieAux(k);
      let len = 0;
      for (let n = leaf; n !== 0; n = trieAux(n)) len++;
      if (len > KERNEL_MAX_DEPTH) {
        flags |= Flag.DEPTH;
        return;
      }
      for (let i = len, n = leaf; i > 0; i--) {
        pathTok[i - 1] = trieTok(n);
        n = trieAux(n);
      }
      if (!visitLeaf(leaf, len)) return;
    }
  };

  if (listEnd !== 0) runList();
  else walk();
  if (!write) {
    set(b.counts, 'counts', pi * PatCount.words + PatCount.at.words, words);
    set(b.counts, 'counts', pi * PatCount.words + PatCount.at.flags, flags);
    set(b.counts, 'counts', pi * PatCount.words + PatCount.at.steps, countWork ? steps : 0);
    set(b.counts, 'counts', pi * PatCount.words + PatCount.at.loads, countWork ? loads : 0);
  }
}
