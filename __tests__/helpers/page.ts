/**
 * Runs `fn` as if in a page at `href` whose document's base URL is `baseURI` (a `<base href>`;
 * by default the page's own URL): what `location` and `document.baseURI` tell in a browser. An
 * async `fn` keeps the page until it settles.
 */
export function inPage<T>(href: string, fn: () => T, baseURI = href): T {
  const page = globalThis as { location?: unknown; document?: unknown };
  const url = new URL(href);
  page.location = { href: url.href, origin: url.origin };
  page.document = { baseURI: new URL(baseURI).href };
  const leave = () => {
    delete page.location;
    delete page.document;
  };
  let result: T;
  try {
    result = fn();
  } catch (error) {
    leave();
    throw error;
  }
  if (result instanceof Promise) return result.finally(leave) as T;
  leave();
  return result;
}
