import type { AuthTokens } from '../tokens';

/**
 * Tokens stored as JSON. Text that is not JSON is handed to the session as is, which ignores it
 * as malformed and reports `ERR_STORAGE` to `onAuthFailure` without the text.
 */
export function fromJson(text: string | null): AuthTokens | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as AuthTokens;
  } catch {
    return text as never;
  }
}
