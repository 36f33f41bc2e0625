import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, logAuthEvents, type AuthEvent, type AuthTokens } from '../../src';
import { mockApi } from '../helpers/mockApi';

/** A mock API whose session reports its events into a list. */
function observed(options = {}) {
  const events: AuthEvent[] = [];
  const api = mockApi({ onEvent: (event: AuthEvent) => events.push(event), ...options });
  return { api, events, types: () => events.map((e) => e.type) };
}

test('a storm of 401s: one refresh-start and refresh-end, each call held or replayed, never a token', async () => {
  const { api, events, types } = observed();
  await api.auth.setTokens({ accessToken: 'at-0', refreshToken: 'rt-0' });
  await Promise.all([api.instance.get('/a?secret=x'), api.instance.get('/b')]);
  expect(types().filter((t) => t.startsWith('refresh'))).toEqual(['refresh-start', 'refresh-end']);
  expect(events).toContainEqual({ type: 'refresh-start', reason: 'unauthorized' });
  expect(events).toContainEqual({ type: 'call-replayed', method: 'GET', url: 'https://api.test/a', status: 401 });
  expect(JSON.stringify(events)).not.toMatch(/at-\d|rt-\d|secret/);
});

test('a refresh that fails is reported with its code, and the end of the session with it', async () => {
  const { api, events } = observed();
  await api.auth.setTokens({ accessToken: 'at-0', refreshToken: 'rt-0' });
  api.refresh.mockRejectedValueOnce(Object.assign(new Error('refused'), { name: 'OAuthError', error: 'invalid_grant' }));
  await api.instance.get('/a').catch(() => {});
  expect(events).toContainEqual({ type: 'refresh-failed', code: 'ERR_SESSION_EXPIRED' });
  expect(events).toContainEqual({ type: 'session-ended', code: 'ERR_SESSION_EXPIRED' });
});

test('a call to another origin goes out bare and says so, with the origin and never the token', async () => {
  const { api, events } = observed();
  await api.auth.setTokens({ accessToken: 'at-1' });
  api.routes['http://localhost:8080/x?q=1'] = () => [200, {}];
  await api.instance.get('http://localhost:8080/x?q=1');
  expect(events).toEqual([{ type: 'token-withheld', method: 'GET', url: 'http://localhost:8080/x', origin: 'http://localhost:8080', reason: 'origin' }]);
});

test('a 403 with insufficient_scope passes through as a challenge', async () => {
  const { api, events } = observed();
  await api.auth.setTokens({ accessToken: 'at-1' });
  api.routes['/admin'] = () => [403, {}, { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="admin"' }];
  await expect(api.instance.get('/admin')).rejects.toMatchObject({ requiredScope: 'admin' });
  expect(events).toEqual([{ type: 'challenge', method: 'GET', url: 'https://api.test/admin', status: 403, scheme: 'Bearer', error: 'insufficient_scope' }]);
});

test('a call held behind a refresh says so', async () => {
  const { api, events } = observed();
  await api.auth.setTokens({ accessToken: 'at-0', refreshToken: 'rt-0' });
  const gate = api.hold();
  const refreshing = api.auth.refresh();
  const held = api.instance.post('/c');
  gate.resolve();
  await Promise.all([refreshing, held]);
  expect(events).toContainEqual({ type: 'call-held', method: 'POST', url: 'https://api.test/c' });
});

test('logAuthEvents writes one line per event', async () => {
  const lines: string[] = [];
  const { api } = observed({ onEvent: logAuthEvents((line) => lines.push(line)) });
  await api.auth.setTokens({ accessToken: 'at-0', refreshToken: 'rt-0' });
  await api.instance.get('/a');
  expect(lines).toContain('[auth] refresh-start {"reason":"unauthorized"}');
});

test('an onEvent that throws does not break the call', async () => {
  const api = mockApi({ onEvent: () => { throw new Error('listener bug'); } });
  const uncaught = jest.spyOn(globalThis, 'queueMicrotask').mockImplementation(() => {});
  await api.auth.setTokens({ accessToken: 'at-0', refreshToken: 'rt-0' });
  await expect(api.instance.get('/a')).resolves.toMatchObject({ status: 200 });
  expect(uncaught).toHaveBeenCalled();
});

describe('mistakes that explain themselves', () => {
  test.each([
    ['localStorage itself', { getItem() {}, setItem() {}, removeItem() {} }, /got a Web Storage area; wrap it: webStorage\(localStorage\)/],
    ['a Map', new Map(), /got a Map; use memoryStorage\(\)/],
    ['a plain object', { tokens: null }, /got an object with keys tokens; pass memoryStorage\(\), webStorage\(localStorage\)/],
  ])('storage: %s says what to pass instead', (_, storage, message) => {
    expect(() => createAuthInterceptor(axios.create(), { refresh: jest.fn(), storage: storage as never })).toThrow(message);
  });

  test('webStorage(undefined) is refused up front', async () => {
    const { webStorage } = await import('../../src');
    expect(() => webStorage(undefined as never)).toThrow(/Expected `storage` to be a Web Storage area such as localStorage, got undefined/);
  });

  test.each([undefined, null, {}, axios.get])('createAuthInterceptor(%p) is a clear TypeError', (instance) => {
    const attach = () => createAuthInterceptor(instance as never, { refresh: jest.fn() });
    expect(attach).toThrow(TypeError);
    expect(attach).toThrow(/^Expected `instance` to be an axios instance \(axios.create\(\) or axios itself\), got /);
  });
});

test('tokens another process stored, found inside the lock, are reported as adopted, and refresh is not called', async () => {
  let stored: AuthTokens | null = null;
  const { api, events } = observed({
    storage: { get: () => stored, set: (tokens: AuthTokens) => void (stored = tokens), clear: () => void (stored = null) },
    lock: { withLock: <T>(fn: () => Promise<T>) => fn() },
  });
  await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
  stored = { accessToken: 'at-from-another-process', refreshToken: 'rt-2' };
  await expect(api.auth.refresh()).resolves.toMatchObject({ accessToken: 'at-from-another-process' });
  expect(api.refresh).not.toHaveBeenCalled();
  expect(events.map((e) => e.type)).toEqual(['refresh-start', 'tokens-adopted']);
});

describe('no event holds the token', () => {
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
});
