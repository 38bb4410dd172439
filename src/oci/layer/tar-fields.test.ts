import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../../test/helpers/tar-variants.ts';
import { blockSize, cBytes, checksumValid, decodeField, decodeName } from './tar-fields.ts';

/** The checksum as the format defines it, byte by byte: the field counted as spaces, unsigned or signed. */
function referenceSums(h: Uint8Array, base: number): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < blockSize; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (h[base + i] as number);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return { unsigned, signed };
}

function writeChecksum(h: Buffer, base: number, value: number): void {
  h.write(`${value.toString(8).padStart(6, '0')}\0 `, base + 148, 'latin1');
}

test('the checksum is the sum of the block, unsigned or signed, at every alignment in the chunk', () => {
  const random = new Random(4);
  for (let round = 0; round < 400; round++) {
    const base = random.int(9);
    const chunk = Buffer.alloc(base + blockSize + 3);
    // mostly ASCII headers, some with bytes above 127 (the signed sum differs then), some all high
    const high = random.pick([0, 0.05, 1]);
    for (let i = base; i < base + blockSize; i++)
      chunk[i] = random.chance(high) ? 128 + random.int(128) : random.int(128);
    const { unsigned, signed } = referenceSums(chunk, base);
    const kind = random.pick(['unsigned', 'signed', 'wrong'] as const);
    const stored = kind === 'unsigned' ? unsigned : kind === 'signed' ? signed : unsigned + 1 + random.int(3);
    if (stored < 0) continue;
    writeChecksum(chunk, base, stored);
    const valid = stored === unsigned || stored === signed;
    assert.equal(checksumValid(chunk, base), valid, `round ${round}, ${kind}, base ${base}`);
    // the same block through a view that starts one byte later in the buffer: the other alignment
    if (base > 0) assert.equal(checksumValid(chunk.subarray(1), base - 1), valid, `round ${round}, view`);
  }
});

test('a name field decodes as the bytes up to its NUL would, ASCII or not, valid UTF-8 or not', () => {
  const random = new Random(9);
  const alphabet = [0x61, 0x2f, 0x2e, 0x00, 0xc3, 0xa9, 0xff, 0xe2, 0x82, 0xac, 0x7f, 0x80];
  for (let round = 0; round < 500; round++) {
    const h = Buffer.alloc(blockSize);
    const start = random.int(300);
    const length = 1 + random.int(150);
    for (let i = start; i < Math.min(blockSize, start + length + 2); i++) {
      h[i] = random.chance(0.7) ? 0x61 + random.int(26) : random.pick(alphabet);
    }
    const field = Math.min(length, blockSize - start);
    assert.equal(decodeField(h, start, field), decodeName(cBytes(h, start, field)), `round ${round}`);
  }
});
