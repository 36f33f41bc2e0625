import { flush, settle } from '../../helpers/deferred';
import { BILLING, FILES, grantServer, setUp, signIn } from '../../helpers/resourceApi';

/** Every timer started from here on, to see which still hold the event loop. */
function recordTimers() {
  const timers: NodeJS.Timeout[] = [];
  const real = global.setTimeout;
  const spy = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
    const timer = real(fn, ms);
    timers.push(timer);
    return timer;
  }) as never);
  const holding = () => timers.filter((t) => !(t as unknown as { _destroyed: boolean })._destroyed && t.hasRef()).length;
  const clearAll = () => timers.forEach((t) => clearTimeout(t));
  return { holding, clearAll, restore: () => spy.mockRestore() };
}

describe('nothing of the turns keeps a Node process alive once signed out or ejected', () => {
  test.each(['clearTokens', 'eject'] as const)("a resource's token request that never answers, others queued behind it, then %s()", async (how) => {
    const timers = recordTimers();
    try {
      const server = grantServer();
      server.held = [] as never;
      const { instance, auth } = setUp(server, { refreshTimeout: 600_000 });
      for (let i = 0; i < 4; i++) await flush();
      await auth.setTokens(signIn);
      void settle(instance.get(`${BILLING}/a`));
      void settle(instance.get(`${FILES}/b`));
      void settle(auth.refresh());
      for (let i = 0; i < 10; i++) await flush();
      expect(timers.holding()).toBeGreaterThan(0);

      if (how === 'clearTokens') await auth.clearTokens();
      else auth.eject();
      for (let i = 0; i < 10; i++) await flush();

      expect(timers.holding()).toBe(0);
    } finally {
      timers.clearAll();
      timers.restore();
    }
  });
});
