const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** The base64url alphabet (RFC 4648 section 5), as the ASCII codes written out. */
const ALPHABET = Uint8Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', (c) => c.charCodeAt(0));

/** UTF-8 bytes of `text`, from one shared encoder (it keeps no state between calls). */
export const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text);

/** The text of ASCII bytes, such as those the writers below write. */
export const ascii = (bytes: Uint8Array): string => decoder.decode(bytes);

/** How many characters the base64url of `bytes` bytes takes, without padding. */
export const base64urlLength = (bytes: number): number => Math.ceil((bytes * 4) / 3);

/**
 * Writes base64url without padding (RFC 7515 section 2) of `bytes` into `out` from `at`, and
 * returns where it ends. No `Buffer`, so that browsers run it too: three bytes to four alphabet
 * codes (`btoa` with its binary string and three replacements took about seven times as long).
 * A last group of one or two bytes is read with zeros after it (a typed array reads past its end
 * as `undefined`, which shifts as 0) and its two or one surplus characters are written past the
 * end returned: into room the caller writes over, or past the array, where nothing is written.
 */
export function writeBase64url(bytes: Uint8Array, out: Uint8Array, at: number): number {
  const { length } = bytes;
  for (let i = 0, o = at; i < length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ALPHABET[n >> 18]!;
    out[o++] = ALPHABET[(n >> 12) & 63]!;
    out[o++] = ALPHABET[(n >> 6) & 63]!;
    out[o++] = ALPHABET[n & 63]!;
  }
  return at + base64urlLength(length);
}

/**
 * `writeBase64url` of an ASCII string's bytes, read from its char codes (`charCodeAt` past the end
 * is `NaN`, which shifts as 0): what a proof signs is mostly its claims, ASCII text, and read this
 * way they need no encoder and no copy on every send. Only for text known to be ASCII.
 */
export function writeAsciiBase64url(text: string, out: Uint8Array, at: number): number {
  const { length } = text;
  for (let i = 0, o = at; i < length; i += 3) {
    const n = (text.charCodeAt(i) << 16) | (text.charCodeAt(i + 1) << 8) | text.charCodeAt(i + 2);
    out[o++] = ALPHABET[n >> 18]!;
    out[o++] = ALPHABET[(n >> 12) & 63]!;
    out[o++] = ALPHABET[(n >> 6) & 63]!;
    out[o++] = ALPHABET[n & 63]!;
  }
  return at + base64urlLength(length);
}

/** base64url without padding of `bytes`. */
export function base64url(bytes: Uint8Array): string {
  const out = new Uint8Array(base64urlLength(bytes.length));
  writeBase64url(bytes, out, 0);
  return ascii(out);
}

/** base64url(SHA-256(text)): the `ath` claim (RFC 9449 section 4.2) and the JWK thumbprint (RFC 7638 section 3). */
export async function sha256(text: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text))));
}
