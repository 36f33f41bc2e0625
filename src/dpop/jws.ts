import { ascii, base64url, base64urlLength, writeAsciiBase64url, writeBase64url } from './base64url';

/**
 * Signs JWS compact serializations (RFC 7515 sections 5.1 and 7.1) with one key: `head` is the
 * encoded protected header with its dot, as bytes, `payload` ASCII JSON text. The signing input
 * is written once, into the very bytes that are signed, with room after it for a dot and the
 * encoded signature: one buffer and one decoding per JWS, a proof being signed on every send.
 * The room is learnt from the first signature: one key's signatures all have one length.
 */
export function jwsSigner(params: Algorithm, key: CryptoKey): (head: Uint8Array, payload: string) => Promise<string> {
  let room = 0;
  return async (head, payload) => {
    const jws = new Uint8Array(head.length + base64urlLength(payload.length) + room);
    jws.set(head);
    const end = writeAsciiBase64url(payload, jws, head.length);
    // Signed is the input up to `end`; the room after it is written once the signature is there.
    const signature = new Uint8Array(await crypto.subtle.sign(params, key, jws.subarray(0, end)));
    const size = 1 + base64urlLength(signature.length);
    if (end + size !== jws.length) {
      room = size;
      return `${ascii(jws.subarray(0, end))}.${base64url(signature)}`;
    }
    jws[end] = 46; // '.'
    writeBase64url(signature, jws, end + 1);
    return ascii(jws);
  };
}
