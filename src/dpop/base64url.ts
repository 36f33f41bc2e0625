const encoder = new TextEncoder();

/** base64url without padding (RFC 7515 section 2), with no `Buffer`, so that browsers run it too. */
export function base64url(input: ArrayBuffer | Uint8Array | string): string {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input instanceof Uint8Array ? input : new Uint8Array(input);
  let binary = '';
  // Chunks keep `String.fromCharCode` under engines' argument limits for large inputs (RSA keys).
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url(SHA-256(text)): the `ath` claim (RFC 9449 section 4.2) and the JWK thumbprint (RFC 7638 section 3). */
export async function sha256(text: string): Promise<string> {
  return base64url(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}
