/**
 * Plots as SVG, made with Vega-Lite specs compiled to Vega and rendered headless in Node
 * (View.toSVG: no canvas, no browser). Deterministic: the same data gives the same SVG.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { METHODS } from '../numerics/methods/index.js';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vg = compile(spec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return compactSvg(svg);
}

/**
 * Coordinates in `transform` and `d` attributes rounded to 1 decimal (a tenth of a pixel): Vega writes
 * them with up to 17 digits, a fifth of a scatter plot's bytes. Text is not touched.
 */
export function compactSvg(svg: string): string {
  const round = (v: string) => {
    const r = Math.round(Number(v) * 10) / 10;
    return String(Object.is(r, -0) ? 0 : r);
  };
  return svg.replace(/ (transform|d)="([^"]*)"/g, (_, attr: string, val: string) => ` ${attr}="${val.replace(/-?\d+\.\d{2,}(?:e-?\d+)?/g, round)}"`);
}

export interface ScatterPoint {
  series: string;
  bytes: number;
  /** The worst error found (measured), output LSB. */
  maxErr: number;
  /** The proven error bound, output LSB; when points have bounds, the plot shows both and its line is the bound's front. */
  bound?: number;
  /**
   * Not used any more: the line is the Pareto front of the plotted points themselves (all but the
   * baselines; by the bound when points have bounds), so that it always matches the marks.
   */
  pareto?: boolean;
  label?: string;
}

/** One plotted mark: a point's bound or its worst found. */
export interface Mark {
  series: string;
  bytes: number;
  err: number;
  kind: 'bound' | 'found';
  /** On the line: the Pareto front of the bound (or, without bounds, of the worst found) over the non-baseline points. */
  pareto: boolean;
  baseline: boolean;
  label?: string;
}

/** A series (named after its method, e.g. 'hls4ml-like' or 'rexp normalized') of a baseline method. */
const isBaseline = (series: string) => METHODS.some((m) => m.baseline && series.startsWith(m.name));

/**
 * The marks of the points: the bound (when given) and the worst found of each, without marks that
 * would land on the same spot as an earlier one of the same series and kind (within half a pixel on
 * the 640 x 380 log-log plot), which only darken it. The Pareto front of the non-baseline points
 * against bytes, by the bound when there are bounds (else by the worst found), is marked for the line,
 * and its marks are all kept.
 */
export function scatterMarks(points: ScatterPoint[]): Mark[] {
  const hasBound = points.some((p) => p.bound !== undefined);
  const lineErr = (p: ScatterPoint) => (hasBound ? (p.bound ?? Infinity) : p.maxErr);
  const order = points
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !isBaseline(p.series))
    .sort((a, b) => a.p.bytes - b.p.bytes || lineErr(a.p) - lineErr(b.p));
  const front = new Set<number>();
  let best = Infinity;
  for (const { p, i } of order) {
    if (lineErr(p) < best) {
      best = lineErr(p);
      front.add(i);
    }
  }
  const seen = new Set<string>();
  const out: Mark[] = [];
  const grid = (v: number) => Math.round(Math.log10(v) * 400);
  points.forEach((p, i) => {
    const kinds: ['bound' | 'found', number][] = p.bound !== undefined ? [['bound', p.bound], ['found', p.maxErr]] : [['found', p.maxErr]];
    for (const [kind, err] of kinds) {
      const onLine = front.has(i) && kind === (hasBound ? 'bound' : 'found');
      const key = `${p.series}|${kind}|${grid(p.bytes)}|${grid(err)}`;
      if (!onLine && seen.has(key)) continue;
      seen.add(key);
      out.push({ series: p.series, bytes: p.bytes, err, kind, pareto: onLine, baseline: isBaseline(p.series), ...(p.label ? { label: p.label } : {}) });
    }
  });
  return out;
}

/**
 * Error (log) against table bytes (log) for every configuration: its proven bound as a filled mark and
 * the worst error found as a hollow mark of the same series colour (without bounds: only the worst
 * found, filled), the baselines as squares, the Pareto front (of the bound when there are bounds) as a black
 * line, and 1 LSB dashed. `highlight` marks one block in red (a filled diamond at its bound, a hollow one
 * at its worst found). `found` says in the subtitle what the worst found was measured on.
 */
export function paretoSpec(
  points: ScatterPoint[],
  title: string,
  highlight?: ScatterPoint,
  found = "worst found (workload set and each configuration's adversarial vectors)",
): TopLevelSpec {
  const hasBound = points.some((p) => p.bound !== undefined);
  const x = { field: 'bytes', type: 'quantitative', scale: { type: 'log' }, title: 'table bytes' };
  const y = { field: 'err', type: 'quantitative', scale: { type: 'log' }, title: hasBound ? 'error (output LSB)' : 'max error (output LSB)' };
  const color = { field: 'series', type: 'nominal', title: 'method / addressing', legend: { labelLimit: 300 } };
  const layers: unknown[] = [
    {
      // thousands of points: no per-point ARIA label (it was half of the SVG's bytes); size 16 (radius 2) keeps the paths short
      transform: [{ filter: "datum.kind === 'bound' && !datum.baseline" }],
      // strokeWidth null: no stroke-width attribute on every filled mark
      mark: { type: 'point', filled: true, opacity: 0.35, size: 16, strokeWidth: null, aria: false },
      encoding: { x, y, color },
    },
    {
      // hollow next to the bounds; filled as before when there are none
      transform: [{ filter: "datum.kind === 'found' && !datum.baseline" }],
      mark: hasBound
        ? { type: 'point', filled: false, opacity: 0.45, size: 16, strokeWidth: 1, aria: false }
        : { type: 'point', filled: true, opacity: 0.35, size: 16, strokeWidth: null, aria: false },
      encoding: { x, y, color },
    },
    {
      // the baselines stand out: one or few points each
      transform: [{ filter: "datum.kind === 'bound' && datum.baseline" }],
      mark: { type: 'point', shape: 'square', filled: true, opacity: 1, size: 64 },
      encoding: { x, y, color },
    },
    {
      transform: [{ filter: "datum.kind === 'found' && datum.baseline" }],
      mark: { type: 'point', shape: 'square', filled: !hasBound, opacity: 1, size: 64, strokeWidth: 1.5 },
      encoding: { x, y, color },
    },
    {
      transform: [{ filter: 'datum.pareto' }],
      mark: { type: 'line', point: true, color: 'black', strokeWidth: 1.5, interpolate: 'step-after' },
      encoding: { x, y },
    },
    {
      data: { values: [{ y: 1 }] },
      mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
      encoding: { y: { field: 'y', type: 'quantitative' } },
    },
  ];
  if (highlight) {
    const h = scatterMarks([highlight]);
    const filled = h.filter((m) => m.kind === 'bound' || highlight.bound === undefined);
    const hollow = h.filter((m) => !filled.includes(m));
    for (const [values, fill] of [[filled, true], [hollow, false]] as const) {
      if (values.length) layers.push({ data: { values }, mark: { type: 'point', shape: 'diamond', size: 220, color: 'red', filled: fill, strokeWidth: 2 }, encoding: { x, y } });
    }
    layers.push({
      data: { values: [h[0]] },
      mark: { type: 'text', align: 'left', dx: 10, dy: -10, color: 'red', fontWeight: 'bold' },
      encoding: { x, y, text: { field: 'label' } },
    });
  }
  const subtitle = hasBound
    ? [`filled: error bound (holds for every input); hollow: ${found}`, 'line: Pareto front of the bound; dashed: 1 LSB']
    : ['line: Pareto front; dashed: 1 LSB'];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle, subtitleFontSize: 10 },
    width: 640,
    height: 380,
    data: { values: scatterMarks(points) },
    layer: layers,
  } as TopLevelSpec;
}

/** A bar chart of counts per bin. */
export function histogramSpec(bins: { err: number; count: number }[], binWidth: number, title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 640,
    height: 240,
    data: { values: bins.map((b) => ({ ...b, err2: b.err + binWidth })) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'err', type: 'quantitative', bin: { binned: true, step: binWidth }, title: 'signed error y - y_ref (output LSB)' },
      x2: { field: 'err2' },
      y: { field: 'count', type: 'quantitative', scale: { type: 'symlog' }, title: 'outputs (symlog)' },
    },
  } as TopLevelSpec;
}

/** Line plots of tables: value against address, one panel per table. */
export function tableCurveSpec(points: { table: string; address: number; value: number }[], title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: points },
    facet: { field: 'table', type: 'nominal', title: null },
    columns: 2,
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      width: 300,
      height: 200,
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 'address', type: 'quantitative', title: 'address' },
        y: { field: 'value', type: 'quantitative', title: 'entry' },
      },
    },
  } as TopLevelSpec;
}
