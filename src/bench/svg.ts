// A hand-written SVG line chart on log–log axes (no dependency): throughput against batch size, one
// polyline per series through its points' values, each point's spread drawn as a vertical bar
// (`lo` to `hi`), dashed vertical lines for the marks (crossovers), a legend beside the plot and
// notes under it. Every text is laid out with `textWidth` (an upper bound of its rendered width in
// a sans-serif font) and wrapped or placed so that it lies inside the canvas, which grows to fit.
// Every series is a `<g class="series" data-series="ID">` whose points carry `data-x`, `data-y`,
// `data-lo` and `data-hi`; every mark a `<g class="mark" data-series="ID" data-x="X">`, so tests and
// scripts can find them.

export interface ChartPoint {
  readonly x: number;
  /** The plotted value. */
  readonly y: number;
  /** The spread around it (drawn as a bar when given). */
  readonly lo?: number;
  readonly hi?: number;
}

export interface ChartSeries {
  /** Stable id (data-series attribute). */
  readonly id: string;
  readonly name: string;
  readonly points: readonly ChartPoint[];
}

export interface ChartMark {
  readonly id: string;
  readonly x: number;
  readonly label: string;
}

export interface ChartSpec {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly marks?: readonly ChartMark[];
  readonly notes?: readonly string[];
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/** Text for XML content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 1000 → "1k", 2500000 → "2.5M". */
function short(v: number): string {
  const units: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [u, s] of units) if (v >= u) return `${+(v / u).toPrecision(3)}${s}`;
  return `${+v.toPrecision(3)}`;
}

/** The decades [lo, hi] (powers of ten) covering the values. */
function decades(values: readonly number[]): [number, number] {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (pos.length === 0) return [0, 1];
  let lo = Math.floor(Math.log10(Math.min(...pos)));
  let hi = Math.ceil(Math.log10(Math.max(...pos)));
  if (hi === lo) hi = lo + 1;
  return [lo, hi];
}

/** Helvetica's advance widths (1/1000 em) of printable ASCII, from its AFM metrics. */
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space ! " # $ % & ' ( ) * + , - . /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0-9 : ; < = > ?
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ A-O
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P-Z [ \ ] ^ _
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` a-o
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p-z { | } ~
];
/**
 * Other sans-serif faces (DejaVu Sans, a common default on Linux) set text up to about 15% wider
 * than Helvetica, and bold up to 10% wider again; characters outside ASCII count as 1 em.
 */
const FACE_MARGIN = 1.15;
const BOLD_MARGIN = 1.1;

/** An upper bound of the width (px) of `text` set in a sans-serif font of `size` px. */
export function textWidth(text: string, size: number, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    units += c >= 32 && c < 127 ? ASCII_WIDTHS[c - 32]! : 1000;
  }
  return (units / 1000) * size * FACE_MARGIN * (bold ? BOLD_MARGIN : 1);
}

/** `text` broken at spaces into lines no wider than `width` (a word wider than that gets a line of its own, cut to fit). */
export function wrapText(text: string, width: number, size: number, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (textWidth(candidate, size, bold) <= width) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = word;
    while (textWidth(line, size, bold) > width && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && textWidth(line.slice(0, cut), size, bold) > width) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line !== '') lines.push(line);
  return lines.length > 0 ? lines : [''];
}

const FONT = 12;
const TITLE_FONT = 16;
const NOTE_FONT = 11;
const LINE = 15;

export function throughputChart(spec: ChartSpec): string {
  const left = 90;
  const top = 60;
  const plotW = 440;
  const plotH = 350;
  const legendGap = 15;
  const legendSwatch = 31;
  const margin = 12;
  const legendW = Math.max(120, ...spec.series.map((s) => legendSwatch + textWidth(s.name, FONT)));
  const width = Math.ceil(Math.max(760, left + plotW + legendGap + legendW + margin));
  const textW = width - left - margin;
  const titleLines = wrapText(spec.title, textW, TITLE_FONT, true);
  const subtitleLines = spec.subtitle === undefined ? [] : wrapText(spec.subtitle, textW, FONT);
  const plotTop = top + (titleLines.length - 1) * 20 + Math.max(0, subtitleLines.length - 1) * LINE;
  const noteLines = (spec.notes ?? []).flatMap((n) => wrapText(n, width - 2 * margin - 10, NOTE_FONT));
  const axisBelow = 50;
  const height = Math.ceil(plotTop + plotH + axisBelow + (noteLines.length > 0 ? 10 + noteLines.length * LINE : 0) + margin);

  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x)).concat((spec.marks ?? []).map((m) => m.x));
  const ys = spec.series.flatMap((s) => s.points.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]));
  const [x0, x1] = decades(xs);
  const [y0, y1] = decades(ys);
  const px = (x: number): number => left + ((Math.log10(x) - x0) / (x1 - x0)) * plotW;
  const py = (y: number): number => plotTop + plotH - ((Math.log10(y) - y0) / (y1 - y0)) * plotH;
  const f = (n: number): string => n.toFixed(1);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${FONT}">`);
  out.push(`<title>${xmlEscape(spec.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`);
  titleLines.forEach((t, i) => out.push(`<text class="title" x="${left}" y="${24 + i * 20}" font-size="${TITLE_FONT}" font-weight="bold">${xmlEscape(t)}</text>`));
  const subtitleY = 24 + (titleLines.length - 1) * 20 + 18;
  subtitleLines.forEach((t, i) => out.push(`<text class="subtitle" x="${left}" y="${subtitleY + i * LINE}" fill="#555">${xmlEscape(t)}</text>`));
  // Grid and ticks at each decade.
  out.push(`<g class="axes" stroke="#ccc">`);
  for (let d = x0; d <= x1; d++) {
    const x = px(10 ** d);
    out.push(`<line x1="${f(x)}" y1="${plotTop}" x2="${f(x)}" y2="${plotTop + plotH}"/>`);
    out.push(`<text x="${f(x)}" y="${plotTop + plotH + 18}" text-anchor="middle" stroke="none" fill="#000">${short(10 ** d)}</text>`);
  }
  for (let d = y0; d <= y1; d++) {
    const y = py(10 ** d);
    out.push(`<line x1="${left}" y1="${f(y)}" x2="${left + plotW}" y2="${f(y)}"/>`);
    out.push(`<text x="${left - 8}" y="${f(y + 4)}" text-anchor="end" stroke="none" fill="#000">${short(10 ** d)}</text>`);
  }
  out.push(`<rect x="${left}" y="${plotTop}" width="${plotW}" height="${plotH}" fill="none" stroke="#000"/>`);
  out.push(`</g>`);
  out.push(`<text class="x-label" x="${f(left + plotW / 2)}" y="${plotTop + plotH + 40}" text-anchor="middle">${xmlEscape(spec.xLabel)} (log scale)</text>`);
  const yMid = plotTop + plotH / 2;
  out.push(`<text class="y-label" x="24" y="${f(yMid)}" text-anchor="middle" transform="rotate(-90 24 ${f(yMid)})">${xmlEscape(spec.yLabel)} (log scale)</text>`);
  // Series: the spread as a bar with caps, then the line through the values.
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = [...s.points].filter((p) => p.x > 0 && p.y > 0).sort((a, b) => a.x - b.x);
    out.push(`<g class="series" data-series="${xmlEscape(s.id)}" stroke="${color}" fill="${color}">`);
    out.push(`<title>${xmlEscape(s.name)}</title>`);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke-width="2" points="${pts.map((p) => `${f(px(p.x))},${f(py(p.y))}`).join(' ')}"/>`);
    for (const p of pts) {
      const x = px(p.x);
      const spread = p.lo !== undefined && p.hi !== undefined && p.lo > 0 && p.hi > 0;
      if (spread) {
        const [a, b] = [py(p.hi!), py(p.lo!)];
        out.push(`<path class="spread" stroke-width="1.2" fill="none" d="M${f(x)},${f(a)}V${f(b)}M${f(x - 3)},${f(a)}H${f(x + 3)}M${f(x - 3)},${f(b)}H${f(x + 3)}"/>`);
      }
      const range = spread ? ` (${short(p.lo!)}–${short(p.hi!)})` : '';
      const data = `data-x="${p.x}" data-y="${p.y}"${spread ? ` data-lo="${p.lo}" data-hi="${p.hi}"` : ''}`;
      out.push(`<circle class="point" cx="${f(x)}" cy="${f(py(p.y))}" r="3.5" ${data}><title>${xmlEscape(`${s.name}: ${short(p.x)} patterns, ${short(p.y)}/s${range}`)}</title></circle>`);
    }
    out.push(`</g>`);
    const ly = plotTop + 10 + i * 20;
    const lx = left + plotW + legendGap;
    out.push(`<g class="legend"><line x1="${lx}" y1="${ly}" x2="${lx + 25}" y2="${ly}" stroke="${color}" stroke-width="2"/><text x="${lx + legendSwatch}" y="${ly + 4}">${xmlEscape(s.name)}</text></g>`);
  });
  // Marks: the label on the side of the line with room for it, wrapped to that room.
  let labelY = plotTop + 14;
  for (const m of spec.marks ?? []) {
    const x = px(m.x);
    const color = COLORS[Math.max(0, spec.series.findIndex((s) => s.id === m.id)) % COLORS.length]!;
    const roomRight = left + plotW - (x + 4);
    const roomLeft = x - 4 - left;
    const onRight = textWidth(m.label, FONT) <= roomRight || roomRight >= roomLeft;
    const lines = wrapText(m.label, onRight ? roomRight : roomLeft, FONT);
    out.push(`<g class="mark" data-series="${xmlEscape(m.id)}" data-x="${m.x}">`);
    out.push(`<line x1="${f(x)}" y1="${plotTop}" x2="${f(x)}" y2="${plotTop + plotH}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    for (const line of lines) {
      out.push(`<text x="${f(onRight ? x + 4 : x - 4)}" y="${f(labelY)}" fill="${color}"${onRight ? '' : ' text-anchor="end"'}>${xmlEscape(line)}</text>`);
      labelY += 14;
    }
    out.push(`</g>`);
  }
  const notesTop = plotTop + plotH + axisBelow + 10;
  noteLines.forEach((n, i) => out.push(`<text class="note" x="${margin}" y="${notesTop + i * LINE}" fill="#555" font-size="${NOTE_FONT}">${xmlEscape(n)}</text>`));
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
