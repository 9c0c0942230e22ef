import { NextResponse, type NextRequest } from "next/server";

const PROTECTED = ["/vote", "/campaigns", "/admin", "/settings"];
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

/**
 * A strict Content Security Policy with a fresh nonce per request: only scripts Next.js renders
 * with the nonce run, so even Markdown that slipped past sanitising could not execute code.
 * Style attributes stay allowed because KaTeX positions formulas with them. This proxy is not an
 * access guard: pages, actions and route handlers check roles themselves.
 */
export function proxy(request: NextRequest) {
  // Convenience only: someone without a session cookie who opens a protected link signs in and
  // comes back to it. Whether a session is valid, and its role, is checked by every page itself.
  const { pathname, search } = request.nextUrl;
  const signedOut = !SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (signedOut && PROTECTED.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`))) {
    const signIn = new URL("/sign-in", request.url);
    signIn.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(signIn);
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const development = process.env.NODE_ENV === "development";
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
        // A server action (a form's submit) answers with data, not a document: it needs no
        // policy, and every action checks the session itself; the proxy's request and response
        // objects cost ~3 ms of CPU per call.
        { type: "header", key: "next-action" },
      ],
    },
  ],
};
