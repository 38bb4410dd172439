import type { MiddlewareHandler } from 'hono';

/**
 * Headers on every response: a CSP that allows no inline script and nothing from another origin, no framing,
 * no MIME sniffing, no referrer across origins; HSTS only when the request came over TLS (directly or as the
 * trusted proxy says), because on plain HTTP it would be ignored or lock a misconfigured host out.
 */
export function securityHeaders(options: { tls: () => boolean }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
    h.set('x-content-type-options', 'nosniff');
    h.set('referrer-policy', 'same-origin');
    h.set('x-frame-options', 'DENY');
    h.set('cross-origin-opener-policy', 'same-origin');
    h.set('cross-origin-resource-policy', 'same-origin');
    h.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (options.tls()) h.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
  };
}
