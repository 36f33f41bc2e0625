import axios, { type AxiosRequestConfig } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthEvent, type AuthInterceptorOptions, type AuthTokens } from '../../src';
import { generateDPoPKeyPair } from '../../src/dpop';
import { jose } from '../dpop/jose';

export type Reply = [number, unknown?, Record<string, string>?];

export interface Seen {
  url: string;
  method: string;
  auth: unknown;
  /** The `DPoP` header as sent, if any. */
  proof?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

/**
 * An instance on axios-mock-adapter whose API accepts `DPoP <valid>` with a proof that verifies
 * against its own embedded key (jose, as a server would), and whose refresh issues DPoP tokens.
 * `answer` may replace the API's reply for a call; `seen` lists every call as it reached the network.
 */
export async function dpopApi(options: Partial<AuthInterceptorOptions> = {}) {
  const keys = await generateDPoPKeyPair();
  const instance = axios.create({ baseURL: 'https://api.test' });
  const mock = new MockAdapter(instance);
  let issued = 1;
  const api = {
    instance,
    keys,
    valid: 'at-dpop-1',
    seen: [] as Seen[],
    events: [] as AuthEvent[],
    answer: undefined as ((call: Seen, config: AxiosRequestConfig) => Reply | undefined) | undefined,
    refresh: jest.fn(async (): Promise<AuthTokens> => {
      api.valid = `at-dpop-${++issued}`;
      return { accessToken: api.valid, refreshToken: `rt-${issued}`, tokenType: 'DPoP' };
    }),
    auth: undefined as unknown as ReturnType<typeof createAuthInterceptor>,
  };
  mock.onAny().reply(async (config): Promise<Reply> => {
    const proof = config.headers?.DPoP as string | undefined;
    const call: Seen = { url: axios.getUri(config), method: config.method!, auth: config.headers?.Authorization, ...(proof && { proof }) };
    if (proof) {
      const { payload, protectedHeader } = await jose.compactVerify(proof, jose.EmbeddedJWK);
      call.header = protectedHeader as Record<string, unknown>;
      call.claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    }
    api.seen.push(call);
    const answered = api.answer?.(call, config);
    if (answered) return answered;
    if (call.auth === `DPoP ${api.valid}` && proof) return [200, { ok: true }];
    return [401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'DPoP error="invalid_token"' }];
  });
  api.auth = createAuthInterceptor(instance, { refresh: api.refresh, dpop: keys, onEvent: (event) => api.events.push(event), ...options });
  await api.auth.setTokens({ accessToken: api.valid, tokenType: 'DPoP' });
  return api;
}

