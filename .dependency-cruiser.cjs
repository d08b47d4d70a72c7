/**
 * The layout's rules (README "Development"), checked by dependency-cruiser in `npm test`
 * (`npm run check:deps`; test/layers.test.ts runs it and shows that a cycle and an upward import fail).
 *
 * The folders of generator/ are layers, lowest first. A file may import files of its own layer and of
 * the layers below it, never of a layer above. Type-only imports count (tsPreCompilationDeps).
 */
const LAYERS = [
  ['core', '^generator/core/'], // errors, version, zod helpers, integer helpers
  ['pipeline', '^generator/pipeline/'], // RTL primitives: pipeline builder, stage builders, delay models, ROM layout
  ['numerics', '^generator/numerics/'], // the plan, the methods (one folder each), the golden model, the bound
  ['config', '^generator/config/'], // the user's config and formats -> the validated spec
  ['hardware', '^generator/hardware/'], // the architectures, the RTL render, packaging
  ['evidence', '^generator/evidence/'], // vectors, workloads, adversarial search, evaluation, Icarus and Verilator runners
  ['explore', '^generator/explore/'], // the design-space sweep
  ['block', '^generator/block/'], // a generated folder: RTL, testbench, vectors, manifest; writing it
  ['measure', '^generator/measure/'], // synthesis, place and route, the Fmax harness
  ['report', '^generator/report/'], // text and HTML reports, plots
  ['cli', '^generator/(cli\\.ts$|cli/)'], // the command line and the flow as library calls
];

const upward = LAYERS.flatMap(([name, path], i) =>
  i === LAYERS.length - 1
    ? []
    : [
        {
          name: `layer-${name}`,
          comment: `${name} (${path}) may import only ${LAYERS.slice(0, i + 1).map(([n]) => n).join(', ')}`,
          severity: 'error',
          from: { path },
          to: { path: LAYERS.slice(i + 1).map(([, p]) => p) },
        },
      ],
);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only imports included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'method-is-a-plug-in',
      comment: "a method's folder is reached only through the registry (numerics/methods/index.ts)",
      severity: 'error',
      from: { pathNot: ['^generator/numerics/methods/index\\.ts$', '^generator/numerics/methods/[^/]+/'] },
      to: { path: '^generator/numerics/methods/[^/]+/' },
    },
    {
      name: 'methods-apart',
      comment: 'a method does not import another method',
      severity: 'error',
      from: { path: '^generator/numerics/methods/([^/]+)/' },
      to: { path: '^generator/numerics/methods/[^/]+/', pathNot: '^generator/numerics/methods/$1/' },
    },
    {
      name: 'generator-stands-alone',
      comment: 'the generator imports none of the scripts, tests or the bin',
      severity: 'error',
      from: { path: '^generator/' },
      to: { path: '^(scripts|test|bin)/' },
    },
    {
      name: 'every-file-in-a-layer',
      comment: 'every source file of generator/ lies in one of the layer folders',
      severity: 'error',
      from: { path: '^generator/', pathNot: LAYERS.map(([, p]) => p) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
