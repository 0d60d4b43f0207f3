// Matches a request to a route. Literal segments win over parameters at every depth
// (/users/v1/email before /users/v1/{id}), with backtracking when a literal branch dead-ends.
import { SERVICE_PREFIXES, type HttpMethod, type RouteDefinition } from './define-route.ts';

interface Node {
  literal: Map<string, Node>;
  param: { name: string; node: Node } | null;
  routes: Map<HttpMethod, RouteDefinition>;
}

const newNode = (): Node => ({ literal: new Map(), param: null, routes: new Map() });
const split = (path: string) => path.split('/').filter(Boolean);

export type Match =
  | { kind: 'route'; route: RouteDefinition; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allow: HttpMethod[] }
  | { kind: 'not_found' };

export class Router {
  #root = newNode();

  constructor(routes: readonly RouteDefinition[]) {
    for (const route of routes) {
      for (const prefix of SERVICE_PREFIXES[route.service]) this.#add(`${prefix}${route.path}`, route);
    }
  }

  #add(path: string, route: RouteDefinition) {
    let node = this.#root;
    for (const seg of split(path)) {
      const param = /^\{(\w+)\}$/.exec(seg)?.[1];
      if (param) {
        if (node.param && node.param.name !== param) {
          throw new Error(`route ${route.method} ${path}: parameter {${param}} clashes with {${node.param.name}}`);
        }
        node.param ??= { name: param, node: newNode() };
        node = node.param.node;
      } else {
        let next = node.literal.get(seg);
        if (!next) node.literal.set(seg, (next = newNode()));
        node = next;
      }
    }
    if (node.routes.has(route.method)) throw new Error(`duplicate route ${route.method} ${path}`);
    node.routes.set(route.method, route);
  }

  match(method: string, pathname: string): Match {
    let segments: string[];
    try {
      segments = split(pathname).map(decodeURIComponent);
    } catch {
      return { kind: 'not_found' };
    }
    let allow: HttpMethod[] | null = null;
    const walk = (node: Node, i: number, params: Record<string, string>): Match | null => {
      if (i === segments.length) {
        const route = node.routes.get(method as HttpMethod);
        if (route) return { kind: 'route', route, params };
        if (node.routes.size && !allow) allow = [...node.routes.keys()];
        return null;
      }
      const seg = segments[i]!;
      const lit = node.literal.get(seg);
      if (lit) {
        const m = walk(lit, i + 1, params);
        if (m) return m;
      }
      if (node.param) return walk(node.param.node, i + 1, { ...params, [node.param.name]: seg });
      return null;
    };
    const found = walk(this.#root, 0, {});
    if (found) return found;
    return allow ? { kind: 'method_not_allowed', allow } : { kind: 'not_found' };
  }
}
