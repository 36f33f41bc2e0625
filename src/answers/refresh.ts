import { isOneShot } from '../hops';
import { shouldRefresh } from '../refusal';
import type { Answer } from './answer';

/**
 * On a config: the session epoch (a counter, no secret) its last replay was sent in. A string
 * key, so it survives a plugin re-sending the config (axios-retry keeps its own state the same
 * way): a re-sent call refused again with those same tokens passes its 401 through instead of
 * refreshing once per re-send.
 */
const REPLAYED = 'axios-auth-interceptor';

type Replayed = { [REPLAYED]?: number };

/**
 * Answers a refusal a new token can fix (`shouldRefresh`) by joining or starting the session's
 * one refresh and replaying the call with its tokens, at most `maxRetries` times. The last
 * answer: whatever reaches it and is not for a refresh goes to the caller.
 */
export const refresh: Answer = async (call, refusal) => {
  const { session, config } = call;
  const { maxRetries } = session.options;
  const spent = call.replays >= maxRetries || (!call.replays && (config as Replayed)[REPLAYED] === session.epoch);
  if (spent || config.skipAuthRefresh || isOneShot(config.data)) return 'refuse';
  if (!(await shouldRefresh(session, refusal, call.scheme))) return 'refuse';
  await call.renewed(session.renew(call.sent, refusal), refusal);
  call.replays++;
  (config as Replayed)[REPLAYED] = session.epoch;
  return 'replay';
};
