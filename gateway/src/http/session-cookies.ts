import type { CookieOptions, Response } from 'express';
import type { AuthResult__Output } from '@tollgate/proto/gen/tollgate/identity/v1/AuthResult';

/** The refresh cookie only travels to the auth endpoints; the CSRF cookie is readable by the page (double submit). */
export const REFRESH_COOKIE = 'tg_refresh';
export const CSRF_COOKIE = 'tg_csrf';
export const CSRF_HEADER = 'x-csrf-token';
// Identity's refresh-token lifetime (REFRESH_TOKEN_TTL_SECONDS default); identity rejects an expired token anyway.
const COOKIE_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

const refreshCookie: CookieOptions = { httpOnly: true, secure: true, sameSite: 'strict', path: '/v1/auth' };
const csrfCookie: CookieOptions = { httpOnly: false, secure: true, sameSite: 'strict', path: '/' };

export function setAuthCookies(res: Response, r: AuthResult__Output): void {
  res.cookie(REFRESH_COOKIE, r.refresh_token, { ...refreshCookie, maxAge: COOKIE_MAX_AGE_MS });
  res.cookie(CSRF_COOKIE, r.csrf_token, { ...csrfCookie, maxAge: COOKIE_MAX_AGE_MS });
}

export function clearAuthCookies(res: Response): void {
  res.clearCookie(REFRESH_COOKIE, refreshCookie);
  res.clearCookie(CSRF_COOKIE, csrfCookie);
}
