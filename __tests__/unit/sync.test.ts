import axios from 'axios';
import { webStorage, type AuthTokens } from '../../src';
import { flush } from '../helpers/deferred';
import { MemoryWebStorage } from '../helpers/fakes';
import { mockApi } from '../helpers/mockApi';
import { tabs } from '../helpers/tabs';

describe('tabs sharing a storage that tells of changes', () => {
  test('after one tab refreshes, the others send the new token on their next call, with no 401 and no refresh', async () => {
    const { server, open } = tabs();
    const [a, b, c] = [open(), open(), open()];
    await Promise.all([b.instance.get('/warm'), c.instance.get('/warm')]);
    await a.auth.refresh();
    await flush();
    await Promise.all([b.instance.get('/next'), c.instance.get('/next')]);
    expect(b.sent).toEqual(['Bearer at-1', 'Bearer at-2']);
    expect(c.sent).toEqual(['Bearer at-1', 'Bearer at-2']);
    expect(server.unauthorized).toBe(0);
    expect(server.refresh).toHaveBeenCalledTimes(1);
  });

  test('sign-out in one tab signs the others out: they are told once, send no token, and refresh no more', async () => {
    const onAuthFailure = jest.fn();
    const { server, open } = tabs({ onAuthFailure });
    const [a, b] = [open(), open()];
    await b.instance.get('/warm');
    await a.auth.clearTokens();
    await flush();
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
    expect(onAuthFailure.mock.calls[0][0]).toMatchObject({ name: 'AuthError', code: 'ERR_SESSION_EXPIRED' });
    await expect(b.auth.getTokens()).resolves.toBeNull();
    await expect(b.instance.get('/after')).rejects.toMatchObject({ code: 'ERR_SESSION_EXPIRED' });
    expect(b.sent).toEqual(['Bearer at-1', 'undefined']);
    expect(server.refresh).not.toHaveBeenCalled();
  });

  test('a session ended by a refused refresh in one tab ends in the others', async () => {
    const onAuthFailure = jest.fn();
    const { server, open } = tabs({ onAuthFailure });
    const [a, b] = [open(), open()];
    await b.instance.get('/warm');
    server.refreshToken = 'revoked';
    server.valid = 'expired';
    await expect(a.instance.get('/a')).rejects.toMatchObject({ code: 'ERR_SESSION_EXPIRED' });
    await flush();
    expect(onAuthFailure).toHaveBeenCalledTimes(2); // once in each tab
    await expect(b.auth.getTokens()).resolves.toBeNull();
  });

  test('signing in again in one tab signs the others back in', async () => {
    const { open } = tabs();
    const [a, b] = [open(), open()];
    await a.auth.clearTokens();
    await flush();
    await a.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    await flush();
    await expect(b.instance.get('/a')).resolves.toMatchObject({ status: 200 });
    expect(b.sent).toEqual(['Bearer at-1']);
  });

  test('stops following other tabs once ejected, and follows them again when attached', async () => {
    const { open } = tabs();
    const b = open();
    b.auth.eject();
    expect(b.listening()).toBe(false);
    b.auth.attach(b.instance);
    expect(b.listening()).toBe(true);
    const detach = b.auth.attach(axios.create());
    detach();
    expect(b.listening()).toBe(true); // still attached to the first one
  });
});

describe('webStorage(localStorage) hears the storage event', () => {
  const events = new EventTarget();
  const page = globalThis as unknown as Pick<Window, 'addEventListener' | 'removeEventListener'>;
  beforeAll(() => {
    page.addEventListener = events.addEventListener.bind(events) as Window['addEventListener'];
    page.removeEventListener = events.removeEventListener.bind(events) as Window['removeEventListener'];
  });
  afterAll(() => {
    delete (page as Partial<typeof page>).addEventListener;
    delete (page as Partial<typeof page>).removeEventListener;
  });
  const storageEvent = (storageArea: Storage, key: string | null) => Object.assign(new Event('storage'), { storageArea, key });

  test('for its own area and key, or a cleared area, and reads the value then stored', () => {
    const area = new MemoryWebStorage();
    const other = new MemoryWebStorage();
    const heard: Array<AuthTokens | null> = [];
    const stop = webStorage(area, 'session').subscribe!((tokens) => heard.push(tokens));
    area.setItem('session', JSON.stringify({ accessToken: 'at-2' }));
    events.dispatchEvent(storageEvent(area, 'session'));
    events.dispatchEvent(storageEvent(area, 'theme'));
    events.dispatchEvent(storageEvent(other, 'session'));
    area.clear();
    events.dispatchEvent(storageEvent(area, null));
    stop();
    events.dispatchEvent(storageEvent(area, 'session'));
    expect(heard).toEqual([{ accessToken: 'at-2' }, null]);
  });

  test('malformed tokens written by another tab are reported as ERR_STORAGE and ignored', async () => {
    const area = new MemoryWebStorage();
    area.setItem('auth-tokens', JSON.stringify({ accessToken: 'at-1' }));
    const onAuthFailure = jest.fn();
    const api = mockApi({ storage: webStorage(area), onAuthFailure });
    await api.instance.get('/a');
    area.setItem('auth-tokens', '{"accessToken": 42}');
    events.dispatchEvent(storageEvent(area, 'auth-tokens'));
    expect(onAuthFailure).toHaveBeenCalledWith(expect.objectContaining({ code: 'ERR_STORAGE' }));
    await api.instance.get('/b');
    expect(api.sent.map((s) => s.auth)).toEqual(['Bearer at-1', 'Bearer at-1']);
    api.auth.eject();
  });
});
