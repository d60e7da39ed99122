import type { Stack } from './stack.js';

export interface Session {
  access_token: string;
  refresh_token: string;
  csrf_token: string;
  user: { id: string; email: string; role: string; name: string };
  /** Set-Cookie values from the login response. */
  cookies: string[];
}

/** Logs in through the gateway; fails the calling test loudly when login does not answer 200. */
export async function login(stack: Stack, email: string, password: string, headers: Record<string, string> = {}): Promise<Session> {
  const res = await stack.http.post('/v1/auth/login', { json: { email, password }, headers });
  if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${res.text}`);
  const setCookie = res.headers['set-cookie'];
  return { ...(res.body as Omit<Session, 'cookies'>), cookies: Array.isArray(setCookie) ? setCookie : [] };
}

export function loginAsAdmin(stack: Stack): Promise<Session> {
  return login(stack, stack.secrets.BOOTSTRAP_ADMIN_EMAIL, stack.secrets.BOOTSTRAP_ADMIN_PASSWORD);
}

let counter = 0;
/** Creates a user through the API as the given admin and logs them in. */
export async function createUserAndLogin(
  stack: Stack,
  admin: Session,
  role: 'admin' | 'manager' | 'member' | 'viewer',
  email = `${role}-${Date.now()}-${++counter}@example.test`,
): Promise<Session> {
  const password = `pw-${role}-${counter}-correct-horse`;
  const res = await stack.http.post('/v1/users', { token: admin.access_token, json: { email, password, role } });
  if (res.status !== 201) throw new Error(`creating ${email} failed: ${res.status} ${res.text}`);
  return login(stack, email, password);
}
