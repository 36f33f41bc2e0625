import fc from 'fast-check';
import { base64url, base64urlLength, writeAsciiBase64url } from '../../src/dpop/base64url';

const standard = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

describe('base64url as proofs write it', () => {
  test('is RFC 4648 base64url without padding for every length, the last group of one or two bytes included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        expect(base64url(bytes)).toBe(standard(bytes));
      }),
    );
  });

  test('of ASCII text, read from its char codes, is that of its bytes, and writes nothing a caller keeps past the end it returns', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 70 }), fc.nat(5), (text, at) => {
        const out = new Uint8Array(at + base64urlLength(text.length)).fill(33);
        const end = writeAsciiBase64url(text, out, at);
        expect(end).toBe(out.length);
        expect(Buffer.from(out.subarray(at)).toString()).toBe(standard(Buffer.from(text)));
        expect([...out.subarray(0, at)].every((byte) => byte === 33)).toBe(true);
      }),
    );
  });
});
