import { settle } from '../../helpers/deferred';
import { BILLING, FILES, grantServer, setUp } from '../../helpers/resourceApi';

describe('invalid_grant ends the whole session once', () => {
  test('with refreshWithoutTokens (a refresh token in an httpOnly cookie), a refused grant heard by a resource ends the session and tells the app once', async () => {
    const server = grantServer();
    server.revoked = true; // the cookie's grant is gone
    const { instance, auth, failures, events } = setUp(server, { refreshWithoutTokens: true });

    const first = await settle(instance.get(`${BILLING}/a`)); // after a reload: no tokens held, the cookie is all there is
    const second = await settle(instance.get(`${FILES}/b`));

    expect(first).toMatchObject({ ok: false, error: { code: 'ERR_SESSION_EXPIRED' } });
    expect(second).toMatchObject({ ok: false, error: { code: 'ERR_SESSION_EXPIRED' } });
    expect(failures).toHaveLength(1);
    expect(events.filter(({ type }) => type === 'session-ended')).toHaveLength(1);
    // Once ended, no more token requests until the app signs in again.
    expect(server.requests).toHaveLength(1);
    expect(await auth.getTokens()).toBeNull();
  });
});
