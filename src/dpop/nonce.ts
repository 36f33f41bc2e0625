/** RFC 9449 section 8.1: `nonce = 1*NQCHAR`, printable ASCII but `"` and `\`. */
const NONCE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** A `DPoP-Nonce` value that may go into a proof, or `undefined` for a missing or malformed one. */
export function validNonce(value: unknown): string | undefined {
  return typeof value === 'string' && NONCE.test(value) ? value : undefined;
}

type HeaderBag = { get(name: string): unknown } | Record<string, unknown> | null | undefined;

/**
 * One response header, whatever holds the headers: axios's `AxiosHeaders` or plain object (any
 * case), or fetch's `Headers`.
 */
export function readHeader(headers: HeaderBag, name: string): unknown {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof headers.get === 'function') {
    const value = (headers as { get(name: string): unknown }).get(name);
    if (value !== undefined && value !== null) return value;
  }
  const lower = name.toLowerCase();
  const key = Object.keys(headers).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : (headers as Record<string, unknown>)[key];
}

/** The `DPoP-Nonce` header of a response (RFC 9449 sections 8 and 9), if it has a valid one. */
export function responseNonce(headers: HeaderBag): string | undefined {
  return validNonce(readHeader(headers, 'DPoP-Nonce'));
}
