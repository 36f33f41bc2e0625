// A `setup` module for the OIDC suite's server (`startOidc({ setup })`, see __tests__/oidc/server.mjs):
// the server's clock stands still and moves only when a test moves it, with
// `oidc.command('advanceClock', ms)`. Tokens are issued, stamped (`iat`, `exp`, `expires_in`) and
// judged expired on this clock, and every answer's `Date` header reads it, so an expiry happens
// between two steps of a test, never while a call is on its way, however loaded the machine is.
const RealDate = Date;
let now = RealDate.now();

/** `Date` on the server's clock: `Date.now()` and `new Date()` read it; everything else is the real `Date`. */
function ServerDate(...args) {
  if (!new.target) return new RealDate(now).toString();
  return args.length ? new RealDate(...args) : new RealDate(now);
}
ServerDate.prototype = RealDate.prototype;
ServerDate.now = () => now;
ServerDate.parse = RealDate.parse;
ServerDate.UTC = RealDate.UTC;
globalThis.Date = ServerDate;

export default function serverClock({ provider, api, commands }) {
  // Node writes the `Date` header from the real clock unless one is set.
  const stamp = (res) => res.setHeader('Date', new Date().toUTCString());
  const handle = api.handle;
  api.handle = (req, res) => {
    stamp(res);
    return handle(req, res);
  };
  provider.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      if (!ctx.res.headersSent) stamp(ctx.res);
    }
  });
  commands.advanceClock = (ms) => {
    now += ms;
    return now;
  };
}
