// Matches a request to a route. Literal segments win over parameters at every depth
// (/users/v1/email before /users/v1/{id}), with backtracking only when a literal branch dead-ends;
// a literal path that exists for other methods answers 405, not a parameterised neighbour.
// Frontegg names the same position differently across routes (/users/v1/{id} and
// /users/v1/{userId}/…), so parameter names belong to each route, not to the tree.
import { SERVICE_PREFIXES, type HttpMethod, type RouteDefinition } from './define-route.ts';

interface Endpoint {
  route: RouteDefinition;
  /** The route's parameter names, in path order. */
  names: string[];
  /** The full path as declared, with its prefix ("/frontegg/identity/resources/users/v1/{id}"): the metrics label. */
  template: string;
}

interface Node {
  literal: Map<string, Node>;
  param: Node | null;
  routes: Map<HttpMethod, Endpoint>;
}

const newNode = (): Node => ({ literal: new Map(), param: null, routes: new Map() });
const split = (path: string) => path.split('/').filter(Boolean);

export type Match =
  | { kind: 'route'; route: RouteDefinition; params: Record<string, string>; template: string }
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
    const names: string[] = [];
    for (const seg of split(path)) {
      const param = /^\{(\w+)\}$/.exec(seg)?.[1];
      if (param) {
        names.push(param);
        node = node.param ??= newNode();
      } else {
        let next = node.literal.get(seg);
        if (!next) node.literal.set(seg, (next = newNode()));
        node = next;
      }
    }
    if (node.routes.has(route.method)) throw new Error(`duplicate route ${route.method} ${path}`);
    node.routes.set(route.method, { route, names, template: path });
  }

  match(method: string, pathname: string): Match {
    let segments: string[];
    try {
      segments = split(pathname).map(decodeURIComponent);
    } catch {
      return { kind: 'not_found' };
    }
    let allow: HttpMethod[] | null = null;
    const walk = (node: Node, i: number, values: string[]): Match | null => {
      if (i === segments.length) {
        const endpoint = node.routes.get(method as HttpMethod);
        if (endpoint) {
          const params = Object.fromEntries(endpoint.names.map((name, k) => [name, values[k]!]));
          return { kind: 'route', route: endpoint.route, params, template: endpoint.template };
        }
        if (node.routes.size && !allow) allow = [...node.routes.keys()];
        return null;
      }
      const seg = segments[i]!;
      const lit = node.literal.get(seg);
      if (lit) {
        const m = walk(lit, i + 1, values);
        if (m) return m;
        // The literal path exists for other methods: the request names that path, so it is a 405
        // there — never the parameterised sibling's handler with the literal as its id
        // (DELETE …/ip/bulk must not become DELETE …/ip/{id} with id "bulk").
        if (allow) return null;
      }
      if (node.param) return walk(node.param, i + 1, [...values, seg]);
      return null;
    };
    const found = walk(this.#root, 0, []);
    if (found) return found;
    return allow ? { kind: 'method_not_allowed', allow } : { kind: 'not_found' };
  }
}
