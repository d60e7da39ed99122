import type { Server } from 'node:http';

export function verifyTollgateSignature(
  secret: string,
  header: string | string[] | undefined,
  rawBody: string,
  toleranceSeconds?: number,
  nowMs?: number,
): boolean;
export function createReceiver(secret: string, onEvent: (event: any) => void): Server;
