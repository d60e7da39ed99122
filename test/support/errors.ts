import { AppError } from '@tollgate/platform';
import type { HttpResponse } from './http.js';

/** The public error code a call ends with ('ok' when it succeeds): for asserting on outcomes. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
}

/** The error an API response carries in its body (`{ error: { … } }`). */
export const errorOf = (res: HttpResponse) =>
  res.body?.error as { code: string; message: string; request_id: string; details?: Record<string, unknown> };
