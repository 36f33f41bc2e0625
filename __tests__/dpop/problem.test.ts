import { AxiosHeaders } from 'axios';
import { createDPoP, dpopProblem, generateDPoPKeyPair } from '../../src/dpop';

const unauthorized = (challenge: string, headers: Record<string, string> = {}) => ({ status: 401, headers: AxiosHeaders.from({ 'WWW-Authenticate': challenge, ...headers }) });
const badRequest = (data: unknown, headers: Record<string, string> = {}) => ({ status: 400, headers, data });

describe('dpopProblem', () => {
  test('a resource server asking for a nonce (RFC 9449 section 9) gives use_dpop_nonce and the new nonce', () => {
    const response = unauthorized('DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"', { 'DPoP-Nonce': 'eyJ7S_zG.eyJH0-Z.HX4w-7v' });
    expect(dpopProblem(response)).toEqual({ error: 'use_dpop_nonce', nonce: 'eyJ7S_zG.eyJH0-Z.HX4w-7v', from: 'resource' });
  });

  test('a token endpoint asking for a nonce (section 8) is read from its 400 body, parsed or not', () => {
    const body = { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof' };
    const headers = { 'dpop-nonce': 'n-token' };
    const expected = { error: 'use_dpop_nonce', nonce: 'n-token', from: 'token' };
    expect(dpopProblem(badRequest(body, headers))).toEqual(expected);
    expect(dpopProblem(badRequest(JSON.stringify(body), headers))).toEqual(expected);
    expect(dpopProblem(badRequest(Buffer.from(JSON.stringify(body)), headers))).toEqual(expected);
  });

  test('invalid_dpop_proof is told apart from use_dpop_nonce and from a refused token', () => {
    expect(dpopProblem(unauthorized('DPoP error="invalid_dpop_proof", algs="ES256 PS256"'))).toEqual({ error: 'invalid_dpop_proof', from: 'resource', algs: ['ES256', 'PS256'] });
    expect(dpopProblem(badRequest({ error: 'invalid_dpop_proof' }))).toEqual({ error: 'invalid_dpop_proof', from: 'token' });
    expect(dpopProblem(unauthorized('DPoP error="invalid_token", error_description="expired"'))).toEqual({ error: 'invalid_token', from: 'resource' });
  });

  test('the DPoP challenge is found among others, in any case', () => {
    const response = unauthorized('Bearer realm="api", dpop error="use_dpop_nonce", algs="ES256"', { 'DPoP-Nonce': 'n-1' });
    expect(dpopProblem(response)).toEqual({ error: 'use_dpop_nonce', nonce: 'n-1', from: 'resource', algs: ['ES256'] });
  });

  test('responses that say nothing about DPoP give undefined', () => {
    expect(dpopProblem(unauthorized('Bearer error="invalid_token"'))).toBeUndefined();
    expect(dpopProblem(unauthorized('DPoP algs="ES256"'))).toBeUndefined();
    expect(dpopProblem({ status: 401, headers: {} })).toBeUndefined();
    expect(dpopProblem(badRequest({ error: 'invalid_grant' }, { 'DPoP-Nonce': 'n-1' }))).toBeUndefined();
    expect(dpopProblem(badRequest('<html>Bad Request</html>'))).toBeUndefined();
    expect(dpopProblem({ status: 200, headers: { 'DPoP-Nonce': 'n-1' }, data: { error: 'use_dpop_nonce' } })).toBeUndefined();
  });

  test('a nonce request without a usable nonce has no nonce, so there is nothing to replay with', () => {
    expect(dpopProblem(unauthorized('DPoP error="use_dpop_nonce"'))).toEqual({ error: 'use_dpop_nonce', from: 'resource' });
    expect(dpopProblem(badRequest({ error: 'use_dpop_nonce' }, { 'DPoP-Nonce': 'bad\\nonce' }))).toEqual({ error: 'use_dpop_nonce', from: 'token' });
  });

  test('a DPoP object reads problems the same way, for code that is handed only the object', async () => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    const response = unauthorized('DPoP error="use_dpop_nonce"', { 'DPoP-Nonce': 'n-1' });
    expect(dpop.problem(response)).toEqual(dpopProblem(response));
  });
});
