// A hand-written SVG line chart on log–log axes (no dependency): throughput against batch size, one
// polyline per series, dashed vertical lines for the marks (crossovers), a legend and notes.
// Every series is a `<g class="series" data-series="ID">`, every mark a `<g class="mark"
// data-series="ID" data-x="X">`, so tests and scripts can find them.

export interface ChartSeries {
  /** Stable id (data-series attribute). */
  readonly id: string;
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
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

export function throughputChart(spec: ChartSpec): string {
  const width = 760;
  const height = 480;
  const left = 90;
  const right = 230;
  const top = 60;
  const bottom = 70;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x)).concat((spec.marks ?? []).map((m) => m.x));
  const ys = spec.series.flatMap((s) => s.points.map((p) => p.y));
  const [x0, x1] = decades(xs);
  const [y0, y1] = decades(ys);
  const px = (x: number): number => left + ((Math.log10(x) - x0) / (x1 - x0)) * plotW;
  const py = (y: number): number => top + plotH - ((Math.log10(y) - y0) / (y1 - y0)) * plotH;
  const f = (n: number): string => n.toFixed(1);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<title>${xmlEscape(spec.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${left}" y="24" font-size="16" font-weight="bold">${xmlEscape(spec.title)}</text>`);
  if (spec.subtitle !== undefined) out.push(`<text x="${left}" y="42" fill="#555">${xmlEscape(spec.subtitle)}</text>`);
  // Grid and ticks at each decade.
  out.push(`<g class="axes" stroke="#ccc">`);
  for (let d = x0; d <= x1; d++) {
    const x = px(10 ** d);
    out.push(`<line x1="${f(x)}" y1="${top}" x2="${f(x)}" y2="${top + plotH}"/>`);
    out.push(`<text x="${f(x)}" y="${top + plotH + 18}" text-anchor="middle" stroke="none" fill="#000">${short(10 ** d)}</text>`);
  }
  for (let d = y0; d <= y1; d++) {
    const y = py(10 ** d);
    out.push(`<line x1="${left}" y1="${f(y)}" x2="${left + plotW}" y2="${f(y)}"/>`);
    out.push(`<text x="${left - 8}" y="${f(y + 4)}" text-anchor="end" stroke="none" fill="#000">${short(10 ** d)}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#000"/>`);
  out.push(`</g>`);
  out.push(`<text class="x-label" x="${f(left + plotW / 2)}" y="${height - 25}" text-anchor="middle">${xmlEscape(spec.xLabel)} (log scale)</text>`);
  out.push(`<text class="y-label" x="20" y="${f(top + plotH / 2)}" text-anchor="middle" transform="rotate(-90 20 ${f(top + plotH / 2)})">${xmlEscape(spec.yLabel)} (log scale)</text>`);
  // Series.
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = [...s.points].filter((p) => p.x > 0 && p.y > 0).sort((a, b) => a.x - b.x);
    out.push(`<g class="series" data-series="${xmlEscape(s.id)}" stroke="${color}" fill="${color}">`);
    out.push(`<title>${xmlEscape(s.name)}</title>`);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke-width="2" points="${pts.map((p) => `${f(px(p.x))},${f(py(p.y))}`).join(' ')}"/>`);
    for (const p of pts) out.push(`<circle cx="${f(px(p.x))}" cy="${f(py(p.y))}" r="3.5"><title>${xmlEscape(`${s.name}: ${short(p.x)} patterns, ${short(p.y)}/s`)}</title></circle>`);
    out.push(`</g>`);
    // Legend entry.
    const ly = top + 10 + i * 20;
    out.push(`<g class="legend"><line x1="${left + plotW + 15}" y1="${ly}" x2="${left + plotW + 40}" y2="${ly}" stroke="${color}" stroke-width="2"/><text x="${left + plotW + 46}" y="${ly + 4}">${xmlEscape(s.name)}</text></g>`);
  });
  // Crossover marks.
  (spec.marks ?? []).forEach((m, i) => {
    const x = px(m.x);
    const color = COLORS[Math.max(0, spec.series.findIndex((s) => s.id === m.id)) % COLORS.length]!;
    out.push(`<g class="mark" data-series="${xmlEscape(m.id)}" data-x="${m.x}">`);
    out.push(`<line x1="${f(x)}" y1="${top}" x2="${f(x)}" y2="${top + plotH}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${f(x + 4)}" y="${top + 14 + i * 14}" fill="${color}">${xmlEscape(m.label)}</text>`);
    out.push(`</g>`);
  });
  const notes = spec.notes ?? [];
  notes.forEach((n, i) => out.push(`<text class="note" x="${left + plotW + 15}" y="${top + 30 + spec.series.length * 20 + i * 16}" fill="#555" font-size="11">${xmlEscape(n)}</text>`));
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
