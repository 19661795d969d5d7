// trie-match.wgsl — batched two-sided pattern matching over the flat trie (src/space/flat-trie.ts).
//
// One invocation per pattern. It walks the trie depth first with an explicit stack in private
// memory — a concrete pattern token descends to the one child with that token (binary search), a
// pattern variable spans any whole stored sub-term, a stored variable spans the whole pattern
// sub-term in front of it — and at every leaf it reached it unifies the pattern with the leaf's
// token string exactly as src/cpu/token-unify.ts does (left to right, the left variable is bound
// when both sides are variables, occurs check), so the bindings are the CPU's.
//
// A pattern whose PatInfo names a list (listEnd != 0) is not walked: the host chose it because the
// walk would span a variable before the pattern's constants (src/gpu/leaf-postings.ts), and the
// kernel unifies the pattern with each leaf of the list instead (runList), in the list's order.
//
// Two entry points share the walk and the list path:
//   count_main  writes counts[p] = (words of output pattern p needs, flags, and the work counters:
//               walk steps and buffer loads)
//   write_main  writes pattern p's records at out[patInfo[p].outOffset ..] (offsets are the
//               exclusive prefix sum of the counted words, computed between the two passes);
//               patterns whose count pass raised a flag are skipped
// A record is [leaf node, stored variable count sv, bind0[0 .. nv), bind1[0 .. sv)] where nv is
// the pattern's variable count, and bindK[level] is a reference (offset * 2 + side; side 0 the
// pattern, side 1 the leaf's token string) or NONE when unbound. Records of one pattern come in
// walk (depth-first) order, or the list's; the host orders atoms by insertion id.
//
// Flags (a pattern with any flag is answered by the CPU matcher instead, never truncated):
//   FLAG_DEPTH  a stored atom deeper than MAX_DEPTH tokens was reached
//   FLAG_VARS   a stored atom with more than MAX_VARS variables was reached
//   FLAG_STACK  the unifier's frame or occurs-check stack overflowed
//
// The limits, flags, record offsets, token-encoding constants, the structs PatInfo, PatCount and
// Params, and the eight bindings (trie arrays, pattern arrays, counts, out, params) are not
// declared here: src/gpu/kernel-layout.ts generates them and prepends them to this file when the
// shader module is created, so the host's packing and this code read one definition.

// Marks a frame whose variable children are tried in descending order (internal to the walk).
const DOWN: u32 = 0x80000000u;

// Walk frames, one per trie depth: the pattern offset and the stored sub-terms still open for a
// spanning pattern variable (0 when not spanning), and the candidate children still to try. The
// order is the CPU matcher's (its stack pops them so), which makes the order of the records — and
// so the order in which the host creates fresh variables — the CPU's: when spanning, children
// [next, stop) ascending; at a concrete token, the variable children descending (stop carries
// DOWN and the lower end, next the upper end), then `exact`, the child with that token.
var<private> fP: array<u32, MAX_DEPTH + 1u>;
var<private> fSkip: array<u32, MAX_DEPTH + 1u>;
var<private> fNext: array<u32, MAX_DEPTH + 1u>;
var<private> fStop: array<u32, MAX_DEPTH + 1u>;
var<private> fExact: array<u32, MAX_DEPTH + 1u>;
// pathTok[i]: the token of the current path at depth i + 1 (the stored side of the unifier).
var<private> pathTok: array<u32, MAX_DEPTH>;
var<private> bind0: array<u32, MAX_VARS>;
var<private> bind1: array<u32, MAX_VARS>;
var<private> uX: array<u32, MAX_UFRAMES>;
var<private> uY: array<u32, MAX_UFRAMES>;
var<private> uRem: array<u32, MAX_UFRAMES>;
var<private> scanStack: array<u32, MAX_SCAN>;
var<private> pBase: u32;
var<private> flags: u32;
// Work counters of one pattern's walk (written by the count pass, PatCount.steps / .loads): walk
// loop iterations, and reads of trieTok, trieStart, patTok and patEnds. Counted only in pipelines
// that set COUNT_WORK (a debugging aid: it costs about a tenth of the count pass on lavapipe).
var<private> nSteps: u32;
var<private> nLoads: u32;
// The pattern's variable count, and where its next record goes / the words written so far.
var<private> nv: u32;
var<private> outPos: u32;
var<private> words: u32;

// Reads of the trie and pattern buffers, counted (nLoads) for the work counters of the count pass.
fn ldTrieTok(i: u32) -> u32 {
  if (COUNT_WORK) {
    nLoads = nLoads + 1u;
  }
  return trieTok[i];
}

fn ldTrieStart(i: u32) -> u32 {
  if (COUNT_WORK) {
    nLoads = nLoads + 1u;
  }
  return trieStart[i];
}

fn ldTrieAux(i: u32) -> u32 {
  if (COUNT_WORK) {
    nLoads = nLoads + 1u;
  }
  return trieAux[i];
}

fn ldPatTok(i: u32) -> u32 {
  if (COUNT_WORK) {
    nLoads = nLoads + 1u;
  }
  return patTok[i];
}

fn ldPatEnds(i: u32) -> u32 {
  if (COUNT_WORK) {
    nLoads = nLoads + 1u;
  }
  return patEnds[i];
}

fn isVar(t: u32) -> bool {
  return t < FIRST_NON_VAR;
}

fn arityOf(t: u32) -> u32 {
  if ((t >> TAG_SHIFT) == TAG_EXPR) {
    return t & PAYLOAD_MASK;
  }
  return 0u;
}

fn tokAt(r0: u32) -> u32 {
  if ((r0 & 1u) == 0u) {
    return ldPatTok(pBase + (r0 >> 1u));
  }
  return pathTok[r0 >> 1u];
}

fn bindingOf(r0: u32, t: u32) -> u32 {
  let level = t & PAYLOAD_MASK;
  if ((r0 & 1u) == 0u) {
    return bind0[level];
  }
  return bind1[level];
}

fn setBinding(r0: u32, t: u32, value: u32) {
  let level = t & PAYLOAD_MASK;
  if ((r0 & 1u) == 0u) {
    bind0[level] = value;
  } else {
    bind1[level] = value;
  }
}

fn deref(start: u32) -> u32 {
  var r0 = start;
  loop {
    let t = tokAt(r0);
    if (!isVar(t)) {
      return r0;
    }
    let next = bindingOf(r0, t);
    if (next == NONE) {
      return r0;
    }
    r0 = next;
  }
}

// The reference just past the sub-term that starts at `r0` (same side).
fn skipTerm(r0: u32) -> u32 {
  var r = r0;
  var pending = 1u;
  loop {
    if (pending == 0u) {
      break;
    }
    let t = tokAt(r);
    r = r + 2u;
    pending = pending - 1u + arityOf(t);
  }
  return r;
}

// Whether the variable at `varRef` occurs in the term at `term` under the current bindings.
// On a stack overflow it sets FLAG_STACK and answers true (the caller then gives up).
fn occurs(varRef: u32, term: u32) -> bool {
  let side = varRef & 1u;
  let level = tokAt(varRef) & PAYLOAD_MASK;
  var sp = 1u;
  scanStack[0] = term;
  loop {
    if (sp == 0u) {
      break;
    }
    sp = sp - 1u;
    var r = scanStack[sp];
    let rs = r & 1u;
    var pending = 1u;
    loop {
      if (pending == 0u) {
        break;
      }
      let t = tokAt(r);
      r = r + 2u;
      pending = pending - 1u;
      if (isVar(t)) {
        let l = t & PAYLOAD_MASK;
        if (rs == side && l == level) {
          return true;
        }
        var next = NONE;
        if (rs == 0u) {
          next = bind0[l];
        } else {
          next = bind1[l];
        }
        if (next != NONE) {
          if (sp == MAX_SCAN) {
            flags = flags | FLAG_STACK;
            return true;
          }
          scanStack[sp] = next;
          sp = sp + 1u;
        }
      } else {
        pending = pending + arityOf(t);
      }
    }
  }
  return false;
}

// Unifies the pattern (side 0) with pathTok (side 1); bind0/bind1 must be cleared.
fn unify() -> bool {
  var top = 0u;
  var x = 0u;
  var y = 1u;
  loop {
    var descended = false;
    x = deref(x);
    y = deref(y);
    if (x != y) {
      let tx = tokAt(x);
      let ty = tokAt(y);
      if (isVar(tx)) {
        let same = isVar(ty) && (x & 1u) == (y & 1u) && (tx & PAYLOAD_MASK) == (ty & PAYLOAD_MASK);
        if (!same) {
          if (occurs(x, y)) {
            return false;
          }
          setBinding(x, tx, y);
        }
      } else if (isVar(ty)) {
        if (occurs(y, x)) {
          return false;
        }
        setBinding(y, ty, x);
      } else {
        if (tx != ty) {
          return false;
        }
        let arity = arityOf(tx);
        if (arity > 0u) {
          if (top == MAX_UFRAMES) {
            flags = flags | FLAG_STACK;
            return false;
          }
          uX[top] = x + 2u;
          uY[top] = y + 2u;
          uRem[top] = arity;
          top = top + 1u;
          x = x + 2u;
          y = y + 2u;
          descended = true;
        }
      }
    }
    if (descended) {
      continue;
    }
    // The pair is done: move to the next sibling pair, closing finished expressions.
    loop {
      if (top == 0u) {
        return true;
      }
      let k = top - 1u;
      uRem[k] = uRem[k] - 1u;
      if (uRem[k] == 0u) {
        top = k;
        continue;
      }
      uX[k] = skipTerm(uX[k]);
      uY[k] = skipTerm(uY[k]);
      x = uX[k];
      y = uY[k];
      break;
    }
  }
}

// First index in [lo, hi) whose trie token is >= want (children are sorted by token).
fn lowerBound(lo0: u32, hi0: u32, want: u32) -> u32 {
  var lo = lo0;
  var hi = hi0;
  loop {
    if (lo >= hi) {
      break;
    }
    let mid = (lo + hi) >> 1u;
    if (ldTrieTok(mid) < want) {
      lo = mid + 1u;
    } else {
      hi = mid;
    }
  }
  return lo;
}

fn setupFrame(d: u32, node: u32, p: u32, skip: u32) {
  let first = ldTrieStart(node);
  let last = ldTrieStart(node + 1u);
  fP[d] = p;
  fSkip[d] = skip;
  fNext[d] = first;
  let want = ldPatTok(pBase + p);
  if (skip > 0u || isVar(want)) {
    fStop[d] = last;
    fExact[d] = NONE;
  } else {
    // Stored variables sort first; most nodes have none, and one load says so.
    var varEnd = first;
    if (first < last && isVar(ldTrieTok(first))) {
      varEnd = lowerBound(first + 1u, last, FIRST_NON_VAR);
    }
    let e = lowerBound(varEnd, last, want);
    fNext[d] = varEnd;
    fStop[d] = DOWN | first;
    if (e < last && ldTrieTok(e) == want) {
      fExact[d] = e;
    } else {
      fExact[d] = NONE;
    }
  }
}

// At leaf `c`, whose path is pathTok[0, len): unifies the pattern with it and, when they unify,
// counts (and in the write pass writes) its record. False when a flag was raised: the caller stops.
fn visitLeaf(c: u32, len: u32, write: bool) -> bool {
  var sv = 0u;
  for (var i = 0u; i < len; i = i + 1u) {
    if ((pathTok[i] >> TAG_SHIFT) == TAG_NEWVAR) {
      sv = sv + 1u;
    }
  }
  if (sv > MAX_VARS) {
    flags = flags | FLAG_VARS;
    return false;
  }
  for (var i = 0u; i < nv; i = i + 1u) {
    bind0[i] = NONE;
  }
  for (var i = 0u; i < sv; i = i + 1u) {
    bind1[i] = NONE;
  }
  let ok = unify();
  if (flags != 0u) {
    return false;
  }
  if (ok) {
    let size = REC_BIND0 + nv + sv;
    if (write) {
      out[outPos + REC_LEAF] = c;
      out[outPos + REC_SV] = sv;
      for (var i = 0u; i < nv; i = i + 1u) {
        out[outPos + REC_BIND0 + i] = bind0[i];
      }
      for (var i = 0u; i < sv; i = i + 1u) {
        out[outPos + REC_BIND0 + nv + i] = bind1[i];
      }
    }
    outPos = outPos + size;
    words = words + size;
  }
  return true;
}

// The walk: depth first from the root, as described at the top.
fn walk(plen: u32, write: bool) {
  setupFrame(0u, 0u, 0u, 0u);
  var d = 0u;
  loop {
    if (COUNT_WORK) {
      nSteps = nSteps + 1u;
    }
    var c = NONE;
    let stop = fStop[d];
    if ((stop & DOWN) != 0u && fNext[d] > (stop & ~DOWN)) {
      c = fNext[d] - 1u;
      fNext[d] = c;
    } else if ((stop & DOWN) == 0u && fNext[d] < stop) {
      c = fNext[d];
      fNext[d] = c + 1u;
    } else if (fExact[d] != NONE) {
      c = fExact[d];
      fExact[d] = NONE;
    } else {
      if (d == 0u) {
        break;
      }
      d = d - 1u;
      continue;
    }
    let t = ldTrieTok(c);
    let p = fP[d];
    let s = fSkip[d];
    var p2 = p + 1u;
    var s2 = 0u;
    if (s > 0u || isVar(ldPatTok(pBase + p))) {
      // Spanning one stored sub-term for the pattern variable at p.
      var open = 1u;
      if (s > 0u) {
        open = s;
      }
      let left = open - 1u + arityOf(t);
      if (left > 0u) {
        p2 = p;
        s2 = left;
      }
    } else if (isVar(t)) {
      // A stored variable spans the whole pattern sub-term at p.
      p2 = ldPatEnds(pBase + p);
    }
    if (d + 1u > MAX_DEPTH) {
      flags = flags | FLAG_DEPTH;
      break;
    }
    pathTok[d] = t;
    if (s2 == 0u && p2 == plen) {
      // A leaf: the path spells one complete stored atom.
      if (!visitLeaf(c, d + 1u, write)) {
        break;
      }
      continue;
    }
    d = d + 1u;
    setupFrame(d, c, p2, s2);
  }
}

// The list path (src/gpu/leaf-postings.ts): the leaves trieAux[first, end), in order, each read
// back to its path through the parents (trieAux[node]) and unified as the walk would at a leaf.
fn runList(first: u32, end: u32, write: bool) {
  for (var k = first; k < end; k = k + 1u) {
    if (COUNT_WORK) {
      nSteps = nSteps + 1u;
    }
    let leaf = ldTrieAux(k);
    var len = 0u;
    var n = leaf;
    loop {
      if (n == 0u) {
        break;
      }
      len = len + 1u;
      n = ldTrieAux(n);
    }
    if (len > MAX_DEPTH) {
      flags = flags | FLAG_DEPTH;
      return;
    }
    n = leaf;
    for (var i = len; i > 0u; i = i - 1u) {
      pathTok[i - 1u] = ldTrieTok(n);
      n = ldTrieAux(n);
    }
    if (!visitLeaf(leaf, len, write)) {
      return;
    }
  }
}

fn run(pi: u32, write: bool) {
  let info = patInfo[pi];
  pBase = info.tokStart;
  nv = info.varCount;
  outPos = info.outOffset;
  words = 0u;
  flags = 0u;
  nSteps = 0u;
  nLoads = 0u;
  if (info.listEnd != 0u) {
    runList(info.listStart, info.listEnd, write);
  } else {
    walk(info.tokCount, write);
  }
  if (!write) {
    counts[pi].words = words;
    counts[pi].flags = flags;
    counts[pi].steps = nSteps;
    counts[pi].loads = nLoads;
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn count_main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pi = params.firstPattern + gid.x;
  if (pi >= params.patternCount) {
    return;
  }
  run(pi, false);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn write_main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pi = params.firstPattern + gid.x;
  if (pi >= params.patternCount) {
    return;
  }
  if (counts[pi].flags != 0u) {
    return;
  }
  run(pi, true);
}
