// Where the elements of a generated SVG lie: the box of each text (its width from the chart's own
// upper bound for sans-serif text, `textWidth`; ascent 0.8 em, descent 0.25 em; `text-anchor` and
// a `rotate(a cx cy)` transform by a multiple of 90° applied), line, rect, circle, polyline and
// path (M/V/H/L commands), and which of them reach beyond the view box.

import { textWidth } from '../../src/bench/svg.js';
import type { XmlElement } from './xml.js';

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface Inherited {
  readonly fontSize: number;
  readonly bold: boolean;
  readonly anchor: string;
}

const num = (e: XmlElement, name: string, fallback = 0): number => (e.attrs[name] === undefined ? fallback : Number(e.attrs[name]));

function pointsBox(coords: number[][]): Box {
  const xs = coords.map((c) => c[0]!);
  const ys = coords.map((c) => c[1]!);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

function rotated(box: Box, transform: string | undefined): Box {
  const m = transform === undefined ? null : /rotate\((-?[\d.]+)[ ,]+(-?[\d.]+)[ ,]+(-?[\d.]+)\)/.exec(transform);
  if (m === null) return box;
  const [a, cx, cy] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const rad = (a * Math.PI) / 180;
  const corners = [[box.x0, box.y0], [box.x1, box.y0], [box.x0, box.y1], [box.x1, box.y1]].map(([x, y]) => [
    cx + (x! - cx) * Math.cos(rad) - (y! - cy) * Math.sin(rad),
    cy + (x! - cx) * Math.sin(rad) + (y! - cy) * Math.cos(rad),
  ]);
  return pointsBox(corners);
}

function pathBox(d: string): Box {
  const coords: number[][] = [];
  let x = 0;
  let y = 0;
  for (const [, cmd, args] of d.matchAll(/([MLVH])([^MLVH]*)/g)) {
    const n = args!.split(/[ ,]+/).filter((t) => t !== '').map(Number);
    if (cmd === 'M' || cmd === 'L') [x, y] = [n[0]!, n[1]!];
    else if (cmd === 'V') y = n[0]!;
    else x = n[0]!;
    coords.push([x, y]);
  }
  return pointsBox(coords);
}

function boxOf(e: XmlElement, inh: Inherited): Box | null {
  switch (e.name) {
    case 'text': {
      const decoded = e.text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
      const w = textWidth(decoded, inh.fontSize, inh.bold);
      const x = num(e, 'x');
      const y = num(e, 'y');
      const x0 = inh.anchor === 'middle' ? x - w / 2 : inh.anchor === 'end' ? x - w : x;
      return rotated({ x0, y0: y - 0.8 * inh.fontSize, x1: x0 + w, y1: y + 0.25 * inh.fontSize }, e.attrs['transform']);
    }
    case 'line':
      return pointsBox([[num(e, 'x1'), num(e, 'y1')], [num(e, 'x2'), num(e, 'y2')]]);
    case 'rect':
      return { x0: num(e, 'x'), y0: num(e, 'y'), x1: num(e, 'x') + num(e, 'width'), y1: num(e, 'y') + num(e, 'height') };
    case 'circle': {
      const r = num(e, 'r');
      return { x0: num(e, 'cx') - r, y0: num(e, 'cy') - r, x1: num(e, 'cx') + r, y1: num(e, 'cy') + r };
    }
    case 'polyline':
      return pointsBox((e.attrs['points'] ?? '').trim().split(/\s+/).map((p) => p.split(',').map(Number)));
    case 'path':
      return pathBox(e.attrs['d'] ?? '');
    default:
      return null;
  }
}

/** Every drawn element of `svg` (the root) whose box reaches beyond its view box, described. */
export function outsideViewBox(svg: XmlElement): string[] {
  const [vx, vy, vw, vh] = (svg.attrs['viewBox'] ?? '').split(/\s+/).map(Number) as [number, number, number, number];
  const out: string[] = [];
  const walk = (e: XmlElement, parent: Inherited): void => {
    const inh: Inherited = {
      fontSize: num(e, 'font-size', parent.fontSize),
      bold: e.attrs['font-weight'] === undefined ? parent.bold : e.attrs['font-weight'] === 'bold',
      anchor: e.attrs['text-anchor'] ?? parent.anchor,
    };
    const box = boxOf(e, inh);
    if (box !== null && (box.x0 < vx - 0.01 || box.y0 < vy - 0.01 || box.x1 > vx + vw + 0.01 || box.y1 > vy + vh + 0.01)) {
      out.push(`<${e.name}${e.text !== '' ? ` "${e.text.slice(0, 60)}"` : ''}> spans x ${box.x0.toFixed(1)}..${box.x1.toFixed(1)}, y ${box.y0.toFixed(1)}..${box.y1.toFixed(1)}; view box ${vw} x ${vh}`);
    }
    for (const c of e.children) walk(c, inh);
  };
  walk(svg, { fontSize: 16, bold: false, anchor: 'start' });
  return out;
}
