/**
 * Plots as SVG, made with Vega-Lite specs compiled to Vega and rendered headless in Node
 * (View.toSVG: no canvas, no browser). Deterministic: the same data gives the same SVG.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vg = compile(spec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export interface ScatterPoint {
  series: string;
  bytes: number;
  maxErr: number;
  pareto: boolean;
  label?: string;
}

/** Max error (log) against table bytes (log): every configuration, the Pareto front as a line. */
export function paretoSpec(points: ScatterPoint[], title: string, highlight?: ScatterPoint): TopLevelSpec {
  const layers: unknown[] = [
    {
      // thousands of points: no per-point ARIA label (it was half of the SVG's bytes)
      mark: { type: 'point', filled: true, opacity: 0.35, size: 18, aria: false },
      encoding: {
        x: { field: 'bytes', type: 'quantitative', scale: { type: 'log' }, title: 'table bytes' },
        y: { field: 'maxErr', type: 'quantitative', scale: { type: 'log' }, title: 'max error (output LSB)' },
        color: { field: 'series', type: 'nominal', title: 'method / addressing', legend: { labelLimit: 300 } },
      },
    },
    {
      // the baselines stand out: one or few points each
      transform: [{ filter: "indexof(datum.series, 'exact') === 0 || indexof(datum.series, 'hls4ml') === 0" }],
      mark: { type: 'point', shape: 'square', filled: true, opacity: 1, size: 70 },
      encoding: {
        x: { field: 'bytes', type: 'quantitative' },
        y: { field: 'maxErr', type: 'quantitative' },
        color: { field: 'series', type: 'nominal' },
      },
    },
    {
      transform: [{ filter: 'datum.pareto' }],
      mark: { type: 'line', point: true, color: 'black', strokeWidth: 1.5, interpolate: 'step-after' },
      encoding: {
        x: { field: 'bytes', type: 'quantitative' },
        y: { field: 'maxErr', type: 'quantitative' },
      },
    },
    {
      data: { values: [{ y: 1 }] },
      mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
      encoding: { y: { field: 'y', type: 'quantitative' } },
    },
  ];
  if (highlight) {
    layers.push({
      data: { values: [highlight] },
      mark: { type: 'point', shape: 'diamond', size: 220, color: 'red', filled: true },
      encoding: { x: { field: 'bytes', type: 'quantitative' }, y: { field: 'maxErr', type: 'quantitative' } },
    });
    layers.push({
      data: { values: [highlight] },
      mark: { type: 'text', align: 'left', dx: 10, dy: -10, color: 'red', fontWeight: 'bold' },
      encoding: { x: { field: 'bytes', type: 'quantitative' }, y: { field: 'maxErr', type: 'quantitative' }, text: { field: 'label' } },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 640,
    height: 380,
    data: { values: points },
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
