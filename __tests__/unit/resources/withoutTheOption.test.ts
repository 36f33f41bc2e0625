import axios from 'axios';
import { createAuthInterceptor } from '../../../src';
import { grantServer, RESOURCES, setUp, signIn } from '../../helpers/resourceApi';

describe('unused (no resources option), behaviour is unchanged', () => {
  test('getTokens and setTokens passed as callbacks (they get an argument they used to ignore) still work', async () => {
    const auth = createAuthInterceptor(axios.create(), { refresh: async () => ({ accessToken: 'at-1' }) });
    // e.g. tokens.forEach(auth.setTokens), queryFn: auth.getTokens (react-query passes its context), .then(auth.getTokens)
    await expect(auth.setTokens({ accessToken: 'at-0' }, 0 as unknown as string)).resolves.toBeUndefined();
    await expect(auth.getTokens({ queryKey: ['tokens'] } as unknown as string)).resolves.toMatchObject({ accessToken: 'at-0' });
  });
});

describe('the resources object, changed by the app after createAuthInterceptor', () => {
  test('an origin added later is either ignored or served, never a TypeError from inside the library', async () => {
    const server = grantServer();
    const resources: Record<string, { resource: string }> = { ...RESOURCES };
    const { instance, auth } = setUp(server, { resources });
    await auth.setTokens(signIn);
    await instance.get('/warm');
    resources['https://reports.test'] = { resource: 'urn:reports' };
    const outcome = await instance.get('https://reports.test/x').then(
      () => 'ok',
      (error: Error) => `${error.name}: ${error.message}`,
    );
    expect(outcome).not.toMatch(/^TypeError/);
  });
});
