import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { InvalidKeyError, ModelNotFoundError } from '../../shared/store/index.js';
import { errorResponse, HttpError, jsonBody, jsonResponse } from '../common/http.js';
import { createObservability, instrument } from '../common/observability.js';
import { modelRegistry } from '../common/runtime.js';

const observability = createObservability('models');
const { logger } = observability;

/**
 * GET /models lists the published versions with their validation metrics;
 * PUT /models/current with `{"version": …}` moves the current pointer (a rollback).
 */
export const handler = instrument(
  observability,
  async (event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> => {
    try {
      const route = `${event.httpMethod} ${event.resource ?? event.path}`;
      switch (route) {
        case 'GET /models':
          return jsonResponse(200, await listModels());
        case 'PUT /models/current':
          return jsonResponse(200, await rollback(event));
        default:
          throw new HttpError(404, `no route ${route}; use GET /models or PUT /models/current`);
      }
    } catch (error) {
      if (error instanceof HttpError) {
        logger.warn('request rejected', { statusCode: error.statusCode, message: error.message });
        return errorResponse(error);
      }
      throw error;
    }
  },
);

async function listModels() {
  const registry = modelRegistry();
  const [current, versions] = await Promise.all([registry.getCurrent(), registry.listVersions()]);
  return { current: current ?? null, versions };
}

async function rollback(event: APIGatewayProxyEvent) {
  const body = jsonBody(event);
  if (typeof body.version !== 'string' || body.version.length === 0) {
    throw new HttpError(
      400,
      'the body must be {"version": "<model version>"}; list versions with GET /models',
    );
  }
  try {
    const pointer = await modelRegistry().setCurrent(body.version);
    logger.info('current model moved', {
      modelVersion: pointer.version,
      previousVersion: pointer.previousVersion,
    });
    return { current: pointer };
  } catch (error) {
    if (error instanceof ModelNotFoundError) {
      throw new HttpError(404, error.message);
    }
    if (error instanceof InvalidKeyError) {
      throw new HttpError(400, error.message);
    }
    throw error;
  }
}
