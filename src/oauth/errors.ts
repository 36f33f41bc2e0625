/**
 * An error response of the authorization server (RFC 6749 section 5.2): `error` is the RFC's own
 * code, such as `invalid_grant` or `invalid_client`. The core tells them apart by `name` and
 * `error`: `invalid_grant` (the refresh token or its grant is dead) ends the session, any other
 * code keeps it. `invalid_target` (RFC 8707 section 2) refuses one resource, not the grant: it
 * concerns only the calls to that resource. The message holds the code and status only;
 * `errorDescription` is the server's text, kept apart because no client controls it.
 * The grants mask their secrets in all of it, as a server may echo what it was sent.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  /** The RFC 6749 section 5.2 `error` code, e.g. `invalid_grant`, or RFC 8707's `invalid_target`. */
  readonly error: string;
  /** `error_description`: human-readable text from the server, when it sent one. */
  readonly errorDescription?: string;
  /** `error_uri`: a page about the error, when the server sent one. */
  readonly errorUri?: string;
  /** The HTTP status of the error response (400, or 401 for `invalid_client`). */
  readonly status: number;

  constructor(body: { error: string; error_description?: unknown; error_uri?: unknown }, status: number) {
    super(`The token endpoint answered ${status} ${body.error}`);
    this.error = body.error;
    this.status = status;
    if (typeof body.error_description === 'string') this.errorDescription = body.error_description;
    if (typeof body.error_uri === 'string') this.errorUri = body.error_uri;
  }
}

/** True for an `OAuthError`, also one from another copy of this module. */
export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof Error && value.name === 'OAuthError' && typeof (value as { error?: unknown }).error === 'string';
}
