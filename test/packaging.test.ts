/**
 * Drop-in packaging: the file list, the instantiation template and the FuseSoC core of a block are
 * usable as they are. Verilator and Yosys are required: without them these tests fail, never skip.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coreVlnv } from '../generator/hardware/packaging.js';
import { requireTool } from '../generator/evidence/runner.js';
import { cfg, generateTo, tmp } from './helpers.js';

const config = cfg({ name: 'pk', n: 4, input: { width: 6, frac: 2 }, output: { width: 7, frac: 7 }, verify: { vectors: 16, seed: 1 } });
const { block, dir } = generateTo(config);

function verilator(args: string[], cwd: string) {
  const v = requireTool('verilator', 'verilator');
  const r = spawnSync(v, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, warnings: (r.stdout + r.stderr).split('\n').filter((l) => l.startsWith('%')) };
}

describe('packaging of a block', () => {
  it('the manifest names the packaging files, and the generator owns them', () => {
    expect(block.manifest.packaging).toEqual({ fusesoc: 'pk.core', fileList: 'pk.f', instantiation: 'pk_inst.vh' });
    expect(block.manifest.generatedFiles).toEqual(expect.arrayContaining(['pk.core', 'pk.f', 'pk_inst.vh']));
  });

  it('the file list lints clean from another folder with verilator -F (paths relative to the list)', () => {
    expect(readFileSync(join(dir, 'pk.f'), 'utf8')).toBe('pk.v\n');
    const r = verilator(['--lint-only', '-Wall', '--top-module', 'pk', '-F', join(dir, 'pk.f')], tmp());
    expect(r.warnings).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('the instantiation template, included in a module that declares its signals, lints clean', () => {
    const inst = readFileSync(join(dir, 'pk_inst.vh'), 'utf8');
    expect(inst).toContain('pk u_pk (');
    expect(inst).toContain('wire [23:0] pk_s_axis_tdata;');
    expect(inst).toContain('wire [27:0] pk_m_axis_tdata;');
    writeFileSync(
      join(dir, 'top.v'),
      [
        '`timescale 1ns / 1ps',
        '`default_nettype none',
        'module top (',
        '  input wire aclk, input wire aresetn,',
        '  input wire [23:0] pk_s_axis_tdata, input wire pk_s_axis_tvalid, output wire pk_s_axis_tready,',
        '  output wire [27:0] pk_m_axis_tdata, output wire pk_m_axis_tvalid, input wire pk_m_axis_tready',
        ');',
        '`include "pk_inst.vh"',
        'endmodule',
        '`default_nettype wire',
        '',
      ].join('\n'),
    );
    const r = verilator(['--lint-only', '-Wall', '--top-module', 'top', 'top.v', 'pk.v'], dir);
    expect(r.warnings).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('Yosys synthesises the block from the file list (the README\'s Yosys recipe)', () => {
    const yosys = requireTool('yosys', 'yosys');
    const files = readFileSync(join(dir, 'pk.f'), 'utf8').trim().split('\n');
    const r = spawnSync(yosys, ['-q', '-p', `read_verilog ${files.join(' ')}; synth -top pk; check -assert`], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
  });

  it('the FuseSoC core names the block, its files (which exist) and the four targets', () => {
    const core = readFileSync(join(dir, 'pk.core'), 'utf8');
    expect(core.startsWith('CAPI=2:\n')).toBe(true);
    expect(core).toContain(`\nname: ${coreVlnv('pk')}\n`);
    expect(coreVlnv('pk')).toMatch(/^softmax-lut:generated:pk:\d+\.\d+\.\d+$/);
    for (const f of ['pk.v', 'pk_tb.v', 'pk_in.hex', 'pk_exp.hex']) {
      expect(core).toMatch(new RegExp(`\\n      - ${f.replace('.', '\\.')}[:\\n]`));
      expect(block.files.has(f)).toBe(true);
    }
    for (const t of ['default', 'sim', 'lint', 'synth']) expect(core).toMatch(new RegExp(`\\n  ${t}:`));
    expect(core).toContain('toplevel: pk_tb');
    // YAML: no tabs, indentation in steps of two
    for (const line of core.split('\n')) {
      expect(line).not.toContain('\t');
      expect((/^ */.exec(line)![0].length) % 2).toBe(0);
    }
  });
});
