/** Which methods each path template serves: a known path asked with another method is 405, not 404. */
export class RouteTable {
  /** `fixed`: how many characters of the template are not parameters (the most specific template wins). */
  private readonly routes: { pattern: RegExp; method: string; fixed: number }[] = [];

  add(method: string, template: string): void {
    const parts = template.split(/(\{\w+\+?\})/);
    const source = parts
      .map((part) => (part.endsWith('+}') ? '.+' : part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    const fixed = parts.filter((part) => !part.startsWith('{')).join('').length;
    this.routes.push({ pattern: new RegExp(`^${source}$`), method: method.toUpperCase(), fixed });
  }

  /** The methods of the path's own template: /v1/tokens/introspect is not /v1/tokens/{id}. */
  methodsFor(path: string): string[] {
    const matching = this.routes.filter((r) => r.pattern.test(path));
    const best = Math.max(...matching.map((r) => r.fixed));
    return [...new Set(matching.filter((r) => r.fixed === best).map((r) => r.method))];
  }
}
