import { AxiosError, AxiosHeaders } from 'axios';
import type { AuthError, AuthEvent, RefreshFunction } from '../../src';
import { dpopApi } from '../helpers/dpopApi';
import { settle } from '../helpers/deferred';
import { leaks } from '../helpers/leaks';
import { mockApi } from '../helpers/mockApi';

const TOKEN = 'at1secretvalue7';
const NEXT = 'at2secretvalue8';

/** A mock API signed in with TOKEN whose refresh issues NEXT, its events recorded. */
async function signedIn(options = {}) {
  const events: AuthEvent[] = [];
  const api = mockApi({ onEvent: (event) => events.push(event), allowedOrigins: [], ...options });
  api.refresh.mockImplementation(async () => ({ accessToken: (api.valid = NEXT) }));
  api.valid = TOKEN;
  await api.auth.setTokens({ accessToken: TOKEN, refreshToken: 'rt1secretvalue9' });
  return { api, events };
}

describe('events carry no token, past or present', () => {
  test('call-replayed: the URL of a call whose path was built with the previous token is masked', async () => {
    const { api, events } = await signedIn();
    api.valid = 'revoked';
    await api.instance.get(`/files/${TOKEN}/download`);

    const replayed = events.find((event) => event.type === 'call-replayed');
    expect(replayed).toMatchObject({ type: 'call-replayed', status: 401 });
    expect(leaks(events, [TOKEN, NEXT])).toEqual([]);
  });

  test("challenge: an error code the server built from the token is masked", async () => {
    const { api, events } = await signedIn();
    api.routes['/admin'] = () => [403, {}, { 'WWW-Authenticate': `Bearer error="${TOKEN}", scope="x"` }];
    await settle(api.instance.get('/admin'));

    expect(events.find((event) => event.type === 'challenge')).toMatchObject({ status: 403, scheme: 'Bearer' });
    expect(leaks(events, [TOKEN])).toEqual([]);
  });

  test('token-withheld: an origin whose host label is the token is masked', async () => {
    const { api, events } = await signedIn();
    api.mock.onGet(`https://${TOKEN}.example.net/x`).reply(200, {});
    await settle(api.instance.get(`https://${TOKEN}.example.net/x`));

    expect(events.find((event) => event.type === 'token-withheld')).toMatchObject({ reason: 'origin' });
    expect(leaks(events, [TOKEN])).toEqual([]);
  });
});

describe('events carry no token in any spelling an app may build into a URL', () => {
  test.each([
    ['percent-encoded into the path', (token: string) => `/files/${encodeURIComponent(token)}`],
    ['raw in the path', (token: string) => `/files/${token}`],
    ['as the password of the userinfo', (token: string) => `https://user:${encodeURIComponent(token)}@api.test/files`],
  ])('a base64 token %s is masked in the challenge event', async (_how, urlOf) => {
    const token = 'ab+c/d=efgh1234';
    const { api, events } = await signedIn();
    await api.auth.setTokens({ accessToken: token });
    api.handler = () => [403, {}, { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' }];
    await settle(api.instance.get(urlOf(token)));

    expect(events.find((event) => event.type === 'challenge')).toMatchObject({ status: 403 });
    expect(leaks(events, [token])).toEqual([]);
  });
});

describe('a DPoP proof signed by a hand-written refresh does not leak through its failure', () => {
  test('neither the rejected call nor onAuthFailure holds the proof the failing token request carried', async () => {
    const proofs: string[] = [];
    const failures: AuthError[] = [];
    const refresh: RefreshFunction = async (_tokens, { dpop }) => {
      const proof = await dpop!.proof('POST', 'https://auth.test/token');
      proofs.push(proof);
      const config = { url: 'https://auth.test/token', method: 'post', headers: new AxiosHeaders({ DPoP: proof }) };
      throw new AxiosError('Request failed with status code 500', 'ERR_BAD_RESPONSE', config as never, {}, { status: 500, statusText: '', data: { error: 'server_error' }, headers: {}, config: config as never });
    };
    const api = await dpopApi({ refresh, onAuthFailure: (error) => failures.push(error) });
    api.valid = 'revoked';

    const outcome = await settle(api.instance.get('/items'));

    expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_FAILED' } });
    expect(failures).toHaveLength(1);
    expect(proofs).toHaveLength(1);
    expect(leaks(outcome, proofs)).toEqual([]);
    expect(leaks(failures, proofs)).toEqual([]);
    expect(leaks(api.events, proofs)).toEqual([]);
  });
});

test('token-withheld: a mixed-case token used as a host label is masked also as the URL parser lower-cases it', async () => {
  const token = 'Zk3QmX9pLr2VbT7w';
  const { api, events } = await signedIn();
  await api.auth.setTokens({ accessToken: token });
  api.mock.onGet(`https://${token}.example.net/x`).reply(200, {});
  await settle(api.instance.get(`https://${token}.example.net/x`));

  expect(events.find((event) => event.type === 'token-withheld')).toMatchObject({ reason: 'origin' });
  expect(leaks(events, [token.toLowerCase()])).toEqual([]);
});
