import type { ResolvedGrantOptions } from './options';

/** application/x-www-form-urlencoded, as RFC 6749 Appendix B defines it (a space becomes `+`). */
export const formEncode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);

/** What a token request carries to authenticate the client: form fields and headers. */
export interface ClientCredentials {
  body: Array<[string, string]>;
  headers: Record<string, string>;
  /** Every form the secret takes on the wire, so that it can be masked in errors. */
  secrets: string[];
}

/**
 * RFC 6749 section 2.3.1: with HTTP Basic, the client id and secret are each form-urlencoded
 * first, then joined by `:` and base64-encoded; in the body they are plain form fields. A client
 * without a secret identifies itself with `client_id` in the body (sections 3.2.1 and 6).
 */
export function clientCredentials({ clientAuthentication, clientId, clientSecret = '' }: ResolvedGrantOptions): ClientCredentials {
  switch (clientAuthentication) {
    case 'client_secret_basic': {
      const basic = btoa(`${formEncode(clientId)}:${formEncode(clientSecret)}`);
      return { body: [], headers: { Authorization: `Basic ${basic}` }, secrets: [clientSecret, formEncode(clientSecret), basic] };
    }
    case 'client_secret_post':
      return { body: [['client_id', clientId], ['client_secret', clientSecret]], headers: {}, secrets: [clientSecret, formEncode(clientSecret)] };
    case 'none':
      return { body: [['client_id', clientId]], headers: {}, secrets: [] };
  }
}
