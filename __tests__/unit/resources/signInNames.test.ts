import axios from 'axios';
import { flush } from '../../helpers/deferred';
import { BILLING, grantServer, HOME, setUp, sharedStorage } from '../../helpers/resourceApi';

describe('two sign-ins whose first access tokens are the same string', () => {
  test("user B signing in in another tab (the app signs in with a refresh token and a stand-in access token) retires user A's resource tokens here", async () => {
    const server = grantServer();
    const storageFor = sharedStorage();
    const one = setUp(server, { storage: storageFor() }, axios.create({ baseURL: HOME }));
    const two = setUp(server, { storage: storageFor() }, axios.create({ baseURL: HOME }));
    for (let i = 0; i < 4; i++) await flush();

    // The app signs in with what its back end gave: the refresh token, and a stand-in access token that has expired.
    await one.auth.setTokens({ accessToken: 'pending', refreshToken: 'rt-0', expiresAt: 0 });
    await flush();
    expect((await one.instance.get(`${BILLING}/a`)).status).toBe(200); // A's billing token
    const billingOfA = (await one.auth.getTokens(BILLING))?.accessToken;
    expect(server.owners.get(billingOfA!)).toBe('A');

    // "Switch account" in tab two: user B signs in the same way.
    server.user = 'B';
    server.live = 'rt-B';
    await two.auth.setTokens({ accessToken: 'pending', refreshToken: 'rt-B', expiresAt: 0 });
    for (let i = 0; i < 4; i++) await flush();
    expect(await one.auth.getTokens()).toMatchObject({ refreshToken: 'rt-B' }); // tab one holds B's sign-in now

    // Tab one must not keep (and send) user A's billing token for user B.
    expect((await one.auth.getTokens(BILLING))?.accessToken).not.toBe(billingOfA);
  });
});
