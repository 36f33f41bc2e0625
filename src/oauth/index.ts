export { refreshTokenGrant } from './refreshTokenGrant';
export type { GrantFunction } from './refreshTokenGrant';
export { clientCredentialsGrant } from './clientCredentialsGrant';
export { OAuthError, isOAuthError } from './errors';
export type { ClientAuthentication, GrantOptions } from './options';
export type { GrantTokens } from './tokenRequest';
