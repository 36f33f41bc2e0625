import axios from 'axios';
import { createAuthInterceptor, type AuthInterceptorOptions } from '../../src';
import { generateDPoPKeyPair } from '../../src/dpop';
import { clientCredentialsGrant, refreshTokenGrant } from '../../src/oauth';
import { redisLock, redisStorage, type RedisClient } from '../../src/redis';

const refresh = async () => ({ accessToken: 'at-2' });
/** What a JavaScript caller can pass, which TypeScript would have refused. */
const untyped = (options: unknown) => options as AuthInterceptorOptions;
const client: RedisClient = { call: async () => null } as unknown as RedisClient;

describe('mistakes in JavaScript are caught as TypeScript would catch them', () => {
  test.each([
    ['onAuthFaliure', 'onAuthFailure'],
    ['refreshTimout', 'refreshTimeout'],
    ['allowedOrigin', 'allowedOrigins'],
    ['OnEvent', 'onEvent'],
  ])('a misspelt option `%s` is refused, naming `%s`', (typo, meant) => {
    expect(() => createAuthInterceptor(axios.create(), untyped({ refresh, [typo]: 1 }))).toThrow(new TypeError(`Unknown option \`${typo}\`: did you mean \`${meant}\`?`));
  });

  test('an option like no other is refused with the list of options', () => {
    expect(() => createAuthInterceptor(axios.create(), untyped({ refresh, retries: 3 }))).toThrow(/^Unknown option `retries`; the options are refresh, storage, .*refreshWithoutTokens$/);
  });

  test("axios-auth-refresh's signature (instance, refreshFunction), or no options at all, says to pass { refresh }", () => {
    expect(() => createAuthInterceptor(axios.create(), untyped(refresh))).toThrow('got a function; pass { refresh: yourFunction }');
    expect(() => createAuthInterceptor(axios.create(), untyped(undefined))).toThrow('Expected `options` to be an object with at least `refresh`, got undefined');
  });

  test('setTokens with a bare string says what tokens look like', async () => {
    const auth = createAuthInterceptor(axios.create(), { refresh });
    await expect(auth.setTokens(untyped('abc') as never)).rejects.toThrow('Expected tokens to be an object like { accessToken, refreshToken, expiresIn }, got string');
  });

  test('the subpath entries refuse misspelt options too', async () => {
    const grant = { tokenEndpoint: 'https://id.example.com/token', clientId: 'c', clientSecret: 's' };
    expect(() => refreshTokenGrant({ ...grant, scopes: 'a' } as never)).toThrow('Unknown option `scopes`: did you mean `scope`?');
    expect(() => clientCredentialsGrant({ ...grant, clientSecert: 's' } as never)).toThrow('Unknown option `clientSecert`: did you mean `clientSecret`?');
    expect(() => redisLock(client, { ttL: 10 } as never)).toThrow('Unknown option `ttL`: did you mean `ttl`?');
    expect(() => redisStorage(client, { prefx: 'p' } as never)).toThrow('Unknown option `prefx`: did you mean `prefix`?');
    await expect(generateDPoPKeyPair('ES256', { extractible: true } as never)).rejects.toThrow('Unknown option `extractible`: did you mean `extractable`?');
  });
});
