import { describe, expect, it } from 'vitest';
import type { ApiRoute } from '../template/api.js';
import { matchRoute, type RouteMatch } from './routes.js';

const route = (httpMethod: string, resourcePath: string): ApiRoute => ({
  httpMethod,
  resourcePath,
  apiKeyRequired: false,
  authorizationType: 'NONE',
  functionName: 'fn',
});

const routes = [
  route('GET', '/models'),
  route('GET', '/models/{version}'),
  route('PUT', '/models/current'),
  route('ANY', '/files/{path+}'),
  route('GET', '/files/{path+}'),
];

/** Matches a request and checks that a route was found. */
function match(candidates: readonly ApiRoute[], method: string, path: string): RouteMatch {
  const lookup = matchRoute(candidates, method, path);
  expect(lookup.found).toBe(true);
  return (lookup as { match: RouteMatch }).match;
}

describe('matchRoute', () => {
  it('matches a literal path', () => {
    expect(match(routes, 'GET', '/models').route.resourcePath).toBe('/models');
  });

  it('captures a path parameter', () => {
    expect(match(routes, 'GET', '/models/v1').pathParameters).toEqual({ version: 'v1' });
  });

  it('prefers a literal segment to a parameter', () => {
    const found = match([...routes, route('GET', '/models/current')], 'GET', '/models/current');

    expect(found.route.resourcePath).toBe('/models/current');
  });

  it('captures a greedy parameter', () => {
    const found = match(routes, 'POST', '/files/a/b%20c.jpg');

    expect(found.pathParameters).toEqual({ path: 'a/b c.jpg' });
    expect(found.route.httpMethod).toBe('ANY');
  });

  it('prefers an exact method to ANY', () => {
    expect(match(routes, 'GET', '/files/x').route.httpMethod).toBe('GET');
  });

  it('finds nothing for another method', () => {
    expect(matchRoute(routes, 'DELETE', '/models').found).toBe(false);
  });

  it('finds nothing for an unknown path', () => {
    expect(matchRoute(routes, 'GET', '/predict').found).toBe(false);
  });
});
