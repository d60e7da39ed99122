import https from 'node:https';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body as it came, never decoded (a compressed one stays compressed). */
  bytes: Buffer;
  /** The parsed JSON body (undefined when the body is empty or not JSON). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read bodies freely; their assertions are the check
}

export interface RequestOptions {
  json?: unknown;
  /** A raw body (sent as is, with whatever content-type header you give). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  token?: string;
}

/** A tiny HTTPS client for tests that trusts the gateway's dev certificate. */
export function httpClient(baseUrl: string, ca?: string | Buffer) {
  const agent = new https.Agent({ ca, keepAlive: true, maxSockets: 64 });
  const request = (method: string, path: string, opts: RequestOptions = {}) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const headers: Record<string, string> = { ...opts.headers };
      let payload: string | Buffer | undefined;
      if (opts.json !== undefined) {
        payload = JSON.stringify(opts.json);
        headers['content-type'] ??= 'application/json';
      } else if (opts.raw !== undefined) {
        payload = opts.raw;
      }
      if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      const req = https.request(new URL(path, baseUrl), { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        // A response cut off by the server (its socket destroyed mid-body) fails the request.
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('the response was cut off')));
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, bytes, body });
        });
      });
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  return {
    agent,
    request,
    get: (path: string, opts?: RequestOptions) => request('GET', path, opts),
    post: (path: string, opts?: RequestOptions) => request('POST', path, opts),
    put: (path: string, opts?: RequestOptions) => request('PUT', path, opts),
    patch: (path: string, opts?: RequestOptions) => request('PATCH', path, opts),
    delete: (path: string, opts?: RequestOptions) => request('DELETE', path, opts),
    close: () => agent.destroy(),
  };
}

export type HttpClient = ReturnType<typeof httpClient>;
