import { AppError } from '@tollgate/platform';

/** The public error code a call ends with ('ok' when it succeeds): for asserting on outcomes. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
}
