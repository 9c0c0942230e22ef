/**
 * Where to go after signing in: only a path on this app. The raw value is resolved against the
 * app's own origin and kept only if it stays there — `/\evil.example` (a backslash is a slash to
 * URL parsers) and `//evil.example` resolve elsewhere — and values with control characters or
 * spaces, raw or percent-encoded (`/%09/evil.example` becomes `//evil.example` once a router
 * decodes it and a browser drops the tab), are refused outright. Anything refused goes to "/".
 */
export function safeCallbackPath(raw: string | null | undefined, origin: string): string {
  if (!raw || !raw.startsWith("/")) return "/";
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return "/";
  }
  if (/[\u0000-\u0020\u007f\\]/.test(decoded) || decoded.startsWith("//")) return "/";
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return "/";
  }
  if (url.origin !== new URL(origin).origin) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
