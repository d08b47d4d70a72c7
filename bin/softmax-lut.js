#!/usr/bin/env node
// softmax-lut command line: runs the TypeScript sources through tsx (a runtime dependency), so the
// same code runs from a checkout (`npx softmax-lut ...`) and from an installed package.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../generator/cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
