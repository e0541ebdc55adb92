import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { createLambdaContext } from './lambda-context.js';
import {
  LambdaTimeoutError,
  toLambdaErrorPayload,
  type LambdaErrorPayload,
} from './lambda-error.js';

/** A Lambda function of the stack, as the local runtime runs it. */
export interface LocalFunctionDefinition {
  /** The function name, which is also its folder under `functions/`. */
  readonly name: string;
  /** Timeout in seconds from the template. */
  readonly timeoutSeconds: number;
  /** @default 128 */
  readonly memorySizeMb?: number;
}

/** An async Lambda handler. */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Loads the handler of a function by name. */
export type HandlerLoader = (name: string) => Promise<LambdaHandler>;

/** The outcome of one local invocation, shaped like the Lambda Invoke API result. */
export type InvocationResult =
  | { readonly ok: true; readonly payload: unknown; readonly requestId: string }
  | { readonly ok: false; readonly error: LambdaErrorPayload; readonly requestId: string };

/** Raised when a function name has no definition or no handler module. */
export class FunctionNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FunctionNotFoundError';
  }
}

/**
 * Returns a loader that imports `functions/<name>/handler.ts` under `repoRoot` and takes
 * its `handler` export.
 */
export function moduleHandlerLoader(repoRoot: string): HandlerLoader {
  return async (name) => {
    const file = join(repoRoot, 'functions', name, 'handler.ts');
    if (!existsSync(file)) {
      throw new FunctionNotFoundError(`handler module ${file} not found for function '${name}'`);
    }

    const module = (await import(pathToFileURL(file).href)) as { handler?: unknown };
    if (typeof module.handler !== 'function') {
      throw new FunctionNotFoundError(`${file} must export an async function named 'handler'`);
    }
    return module.handler as LambdaHandler;
  };
}

/**
 * Runs the stack's Lambda handlers in this process, one warm module per function, with a
 * Lambda context that honours each function's timeout.
 *
 * NOTE: a handler that runs past its timeout is reported as timed out, but it keeps
 * running in the background because a module in this process cannot be stopped.
 */
export class LocalFunctions {
  private readonly definitions = new Map<string, LocalFunctionDefinition>();
  private readonly handlers = new Map<string, Promise<LambdaHandler>>();

  constructor(
    definitions: readonly LocalFunctionDefinition[],
    private readonly loadHandler: HandlerLoader,
  ) {
    for (const definition of definitions) {
      this.definitions.set(definition.name, definition);
    }
  }

  /** Function names, in template order. */
  get names(): string[] {
    return [...this.definitions.keys()];
  }

  definition(name: string): LocalFunctionDefinition {
    const definition = this.definitions.get(name);
    if (!definition) {
      throw new FunctionNotFoundError(
        `function '${name}' is not in the template (known: ${this.names.join(', ') || 'none'})`,
      );
    }
    return definition;
  }

  /** Invokes a function synchronously and returns its payload or its error payload. */
  async invoke(name: string, event: unknown): Promise<InvocationResult> {
    const definition = this.definition(name);
    const context = createLambdaContext({
      functionName: definition.name,
      timeoutSeconds: definition.timeoutSeconds,
      memorySizeMb: definition.memorySizeMb,
    });
    const requestId = context.awsRequestId;

    try {
      const handler = await this.handler(name);
      const payload = await withTimeout(handler(event, context), definition);
      return { ok: true, payload: payload ?? null, requestId };
    } catch (error) {
      return { ok: false, error: toLambdaErrorPayload(error), requestId };
    }
  }

  private handler(name: string): Promise<LambdaHandler> {
    let handler = this.handlers.get(name);
    if (!handler) {
      handler = this.loadHandler(name);
      // A module that failed to load is retried on the next invocation, as a new sandbox would.
      handler.catch(() => this.handlers.delete(name));
      this.handlers.set(name, handler);
    }
    return handler;
  }
}

async function withTimeout<T>(work: Promise<T>, definition: LocalFunctionDefinition): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new LambdaTimeoutError(definition.name, definition.timeoutSeconds)),
      definition.timeoutSeconds * 1000,
    );
  });

  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
