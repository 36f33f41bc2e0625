import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor } from '../../src';
import { claims, fakeClock, jwt } from '../helpers/fakes';

test('a JWT living 2 s, issued late in a second (iat is whole seconds), is still refreshed before it expires: no 401', async () => {
  // Client and server share one clock: there is no skew to learn.
  const second = Date.UTC(2026, 0, 1) / 1000;
  const clock = fakeClock(second * 1000 + 900);
  const issue = () => {
    const iat = Math.floor(Date.now() / 1000);
    return { accessToken: jwt({ iat, exp: iat + 2 }) };
  };
  const instance = axios.create({ baseURL: 'https://api.test' });
  const statuses: number[] = [];
  new MockAdapter(instance).onGet('/me').reply((config) => {
    const exp = claims(String(config.headers?.Authorization).replace('Bearer ', ''))?.exp ?? 0;
    const status = exp * 1000 > Date.now() ? 200 : 401;
    statuses.push(status);
    return status === 200 ? [200, {}] : [401, {}, { 'www-authenticate': 'Bearer error="invalid_token"' }];
  });
  const refresh = jest.fn(async () => issue());
  const auth = createAuthInterceptor(instance, { refresh });
  await auth.setTokens({ accessToken: 'at-signed-in-000', expiresIn: 3600 });

  await auth.refresh(); // at x.900 s: the token says iat x, exp x+2
  clock.advance(1_150); // x+2.05 s: that token expired 50 ms ago; the leeway (0.5 s) should have replaced it
  await instance.get('/me');

  expect(statuses).toEqual([200]);
});

test("a response a shared cache served (Date an hour old, Age: 3600) does not set the session's clock back: the token is still refreshed before it expires", async () => {
  const clock = fakeClock();
  const issue = () => {
    const iat = Math.floor(Date.now() / 1000);
    return { accessToken: jwt({ iat, exp: iat + 60 }) };
  };
  const instance = axios.create({ baseURL: 'https://api.test' });
  const statuses: number[] = [];
  new MockAdapter(instance).onGet().reply((config) => {
    const exp = claims(String(config.headers?.Authorization).replace('Bearer ', ''))?.exp ?? 0;
    const status = exp * 1000 > Date.now() ? 200 : 401;
    statuses.push(status);
    if (status === 401) return [401, {}, { 'www-authenticate': 'Bearer error="invalid_token"' }];
    // The CDN's copy: generated an hour ago, as its Age says.
    return config.url === '/catalogue' ? [200, {}, { date: new Date(Date.now() - 3_600_000).toUTCString(), age: '3600' }] : [200, {}];
  });
  const auth = createAuthInterceptor(instance, { refresh: async () => issue() });
  await auth.setTokens(issue()); // lives 60 s: refreshed in its last 15 s

  await instance.get('/catalogue');
  clock.advance(61_000);
  await instance.get('/me');

  expect(statuses).toEqual([200, 200]);
});
