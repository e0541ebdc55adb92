import type { ApiRoute } from '../template/api.js';

/** A route that matched a request, with the path parameters it captured. */
export interface RouteMatch {
  readonly route: ApiRoute;
  readonly pathParameters: Record<string, string> | null;
}

/** The result of matching a request path and method against the API's routes. */
export type RouteLookup =
  { readonly found: true; readonly match: RouteMatch } | { readonly found: false };

/**
 * Finds the route for a request as API Gateway does: literal path segments win over
 * `{param}` segments, which win over a greedy `{param+}`, and an exact method wins over
 * `ANY`. Path parameters are URL-decoded.
 */
export function matchRoute(routes: readonly ApiRoute[], method: string, path: string): RouteLookup {
  const segments = path.split('/').filter((segment) => segment.length > 0);
  let best: { match: RouteMatch; score: number[] } | undefined;

  for (const route of routes) {
    if (route.httpMethod !== method && route.httpMethod !== 'ANY') {
      continue;
    }
    const matched = matchPath(route.resourcePath, segments);
    if (!matched) {
      continue;
    }
    const score = [...matched.score, route.httpMethod === 'ANY' ? 0 : 1];
    if (!best || compareScores(score, best.score) > 0) {
      best = { match: { route, pathParameters: matched.parameters }, score };
    }
  }
  return best ? { found: true, match: best.match } : { found: false };
}

function matchPath(
  resourcePath: string,
  segments: string[],
): { parameters: Record<string, string> | null; score: number[] } | undefined {
  const template = resourcePath.split('/').filter((segment) => segment.length > 0);
  const parameters: Record<string, string> = {};
  const score: number[] = [];

  for (let index = 0; index < template.length; index += 1) {
    const part = template[index];
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy) {
      if (index >= segments.length) {
        return undefined;
      }
      parameters[greedy[1]] = segments.slice(index).map(decodeSegment).join('/');
      score.push(0);
      return { parameters, score };
    }

    const segment = segments[index];
    if (segment === undefined) {
      return undefined;
    }
    const parameter = /^\{(.+)\}$/.exec(part);
    if (parameter) {
      parameters[parameter[1]] = decodeSegment(segment);
      score.push(1);
    } else if (part === segment) {
      score.push(2);
    } else {
      return undefined;
    }
  }

  if (template.length !== segments.length) {
    return undefined;
  }
  return { parameters: Object.keys(parameters).length > 0 ? parameters : null, score };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function compareScores(a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? -1) - (b[index] ?? -1);
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}
