export const REDACTED = '[redacted]';

// Compared after lower-casing and dropping separators, so `api_key`, `apiKey`,
// `API-Key` and `x-api-key` all match. `token_id` or `input_tokens` do not.
const SECRET_NAMES = new Set(['password', 'passwd', 'token', 'secret', 'apikey', 'authorization', 'cookie', 'refreshtoken']);
const SECRET_SUFFIXES = ['password', 'token', 'secret', 'apikey', 'cookie', 'privatekey'];

// Values that are credentials whatever key they sit under.
const SECRET_VALUE = /^(tg_(pat|agt)_|ip_v1:|bearer\s)/i;

export function isSecretKey(key: string): boolean {
  const n = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_NAMES.has(n) || SECRET_SUFFIXES.some((s) => n.endsWith(s));
}

export interface Redaction {
  value: unknown;
  /** JSON paths of what was replaced, e.g. `$.user.password` (never the values). */
  paths: string[];
}

/**
 * Replaces, at any depth, the value of every secret-named key and every string that
 * looks like a credential with "[redacted]". Emitters must not send secrets at all;
 * this is the last line of defence, because a secret in an append-only log can never
 * be removed again.
 */
export function redactSecrets(value: unknown): Redaction {
  const paths: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') {
      if (SECRET_VALUE.test(v)) {
        paths.push(path);
        return REDACTED;
      }
      return v;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        const childPath = `${path}.${k}`;
        const secret = isSecretKey(k);
        if (secret) paths.push(childPath);
        // defineProperty, so a `__proto__` key from JSON stays a plain own property.
        Object.defineProperty(out, k, {
          value: secret ? REDACTED : walk(child, childPath),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    return v;
  };
  return { value: walk(value, '$'), paths };
}
