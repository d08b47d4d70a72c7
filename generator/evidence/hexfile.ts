/** Vector files for $readmemh: one beat per line, element i at bits [i*W +: W], whole nibbles. */

export function packBeat(values: readonly number[], width: number): string {
  let v = 0n;
  const mask = (1n << BigInt(width)) - 1n;
  for (let i = values.length - 1; i >= 0; i--) {
    v = (v << BigInt(width)) | (BigInt(values[i]!) & mask);
  }
  const digits = Math.ceil((values.length * width) / 4);
  return v.toString(16).padStart(digits, '0');
}

export function unpackBeat(hex: string, n: number, width: number, signed: boolean): number[] {
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw new Error(`not a hex beat: ${JSON.stringify(hex)}`);
  let v = BigInt('0x' + hex);
  const mask = (1n << BigInt(width)) - 1n;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let e = Number(v & mask);
    if (signed && e >= 2 ** (width - 1)) e -= 2 ** width;
    out.push(e);
    v >>= BigInt(width);
  }
  return out;
}

export function hexFile(comment: string, beats: readonly (readonly number[])[], width: number): string {
  return `// ${comment}\n` + beats.map((b) => packBeat(b, width)).join('\n') + '\n';
}

/** The beats of a vector file: comment lines and blank lines are skipped. */
export function readHexBeats(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('//'));
}
