/** Which methods each path template serves: a known path asked with another method is 405, not 404. */
export class RouteTable {
  /** `fixed`: how many characters of the template are not parameters (the most specific template wins). */
  private readonly routes: { pattern: RegExp; method: string; fixed: number; admin: boolean }[] = [];

  /** `admin`: only admins may call it (the IP rules' admin scope). */
  add(method: string, template: string, admin = false): void {
    const parts = template.split(/(\{\w+\+?\})/);
    const source = parts
      .map((part) => (part.endsWith('+}') ? '.+' : part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    const fixed = parts.filter((part) => !part.startsWith('{')).join('').length;
    this.routes.push({ pattern: new RegExp(`^${source}$`), method: method.toUpperCase(), fixed, admin });
  }

  /** The methods of the path's own template: /v1/tokens/introspect is not /v1/tokens/{id}. */
  methodsFor(path: string): string[] {
    return [...new Set(this.#own(path).map((r) => r.method))];
  }

  /** Is the route that serves this request admin-only? (HEAD is served by GET.) */
  isAdmin(method: string, path: string): boolean {
    const wanted = method === 'HEAD' ? 'GET' : method;
    return this.#own(path).some((r) => r.method === wanted && r.admin);
  }

  #own(path: string) {
    const matching = this.routes.filter((r) => r.pattern.test(path));
    const best = Math.max(...matching.map((r) => r.fixed));
    return matching.filter((r) => r.fixed === best);
  }
}
