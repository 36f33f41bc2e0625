import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthEvent } from '../../src';

const token = 'at-0123456789abcdef';

async function watched() {
  const events: AuthEvent[] = [];
  const instance = axios.create({ baseURL: 'https://api.test' });
  const mock = new MockAdapter(instance);
  mock.onAny().reply(403, {}, { 'www-authenticate': 'Bearer error="insufficient_scope"' });
  const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-fedcba9876543210' }), onEvent: (event) => events.push(event) });
  await auth.setTokens({ accessToken: token });
  return { instance, events };
}

test('no event holds the token, even when the app built it into the path of the URL it calls', async () => {
  const { instance, events } = await watched();
  await instance.get(`/downloads/${token}/report.pdf`).catch(() => {});
  expect(events.map((event) => event.type)).toContain('challenge');
  expect(JSON.stringify(events)).not.toContain(token);
});

test("an event's url is the call's origin and path only: no credentials the app put in the URL's userinfo", async () => {
  const { instance, events } = await watched();
  await instance.get(`https://reports:${token}@api.test/reports`).catch(() => {});
  await instance.get(`https://reports:${token}@other.test/reports`).catch(() => {});
  expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['challenge', 'token-withheld']));
  expect(JSON.stringify(events)).not.toContain(token);
});
