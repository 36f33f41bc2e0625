import { deferred, flush, settle } from '../../helpers/deferred';
import { BILLING, grantServer, setUp, signIn } from '../../helpers/resourceApi';

describe('invalid_target asks once', () => {
  test("a billing call whose 401 arrives after billing was refused does not ask the auth server again", async () => {
    const granted = [BILLING, 'urn:files'];
    const server = grantServer(granted);
    const { instance, auth, mock, failures } = setUp(server);
    await auth.setTokens(signIn);
    await instance.get(`${BILLING}/warm`); // billing has a token

    // The grant loses billing (an admin removed it) and billing's token is revoked.
    granted.splice(0, 1);
    const late = deferred<[number, unknown]>();
    mock.resetHandlers();
    mock.onGet(`${BILLING}/slow`).replyOnce(() => late.promise);
    mock.onGet(`${BILLING}/fast`).reply(401, {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    mock.onGet(`${BILLING}/slow`).reply(401, {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    const slow = settle(instance.get(`${BILLING}/slow`)); // sent with the old token, answers later
    const fast = await settle(instance.get(`${BILLING}/fast`)); // 401: billing's refresh, refused
    expect(fast).toMatchObject({ ok: false, error: { code: 'ERR_RESOURCE_REFUSED' } });
    await flush();

    late.resolve([401, {}]); // the slow call's 401, after the refusal
    const outcome = await slow;

    expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_RESOURCE_REFUSED' } });
    expect(server.requests.filter(({ resource }) => resource === BILLING)).toHaveLength(2); // the first token, and the one refused
    expect(failures).toHaveLength(1);
  });
});
