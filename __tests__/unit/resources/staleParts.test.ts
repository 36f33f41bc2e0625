import axios from 'axios';
import { flush, settle } from '../../helpers/deferred';
import { BILLING, grantServer, HOME, setUp, sharedStorage, signIn } from '../../helpers/resourceApi';

const settleAll = async () => {
  for (let i = 0; i < 6; i++) await flush();
};

describe('two tabs, webStorage-like storage with events, no lock', () => {
  test("a resource's refresh never takes back a token of that resource older than the one it holds (another tab wrote its own stale copy of the part)", async () => {
    const server = grantServer();
    const storageFor = sharedStorage();
    const one = setUp(server, { storage: storageFor() }, axios.create({ baseURL: HOME }));
    const two = setUp(server, { storage: storageFor() }, axios.create({ baseURL: HOME }));
    await settleAll();
    await one.auth.setTokens(signIn);
    await settleAll();

    expect((await one.instance.get(`${BILLING}/a`)).status).toBe(200); // tab one: billing B1 = at-1-billing
    await settleAll();
    expect((await two.instance.get(`${BILLING}/a`)).status).toBe(200); // tab two loads B1 from the record
    await settleAll();
    const b1 = 'at-1-https://billing.test';
    expect(await two.auth.getTokens(BILLING)).toMatchObject({ accessToken: b1 });

    one.revokedAccess.add(b1); // B1 expires: tab one gets B2
    expect((await one.instance.get(`${BILLING}/a`)).status).toBe(200);
    await settleAll();
    const b2 = 'at-2-https://billing.test';
    expect(await one.auth.getTokens(BILLING)).toMatchObject({ accessToken: b2 });

    two.revokedAccess.add('at-0'); // tab two refreshes its own token: its record carries its billing part, still B1
    expect((await two.instance.get('/me')).status).toBe(200);
    await settleAll();

    one.revokedAccess.add(b2); // B2 expires (so has B1, long ago)
    const sentBefore = one.sent.length;
    const call = await settle(one.instance.get(`${BILLING}/a`));

    const billingSent = one.sent.slice(sentBefore).map(({ auth }) => String(auth).replace('Bearer ', ''));
    expect({ ok: call.ok, sentB1Again: billingSent.includes(b1) }).toEqual({ ok: true, sentB1Again: false });
  });
});
