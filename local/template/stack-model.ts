import { readApi, type TemplateApi } from './api.js';
import type { CfnTemplate } from './cloudformation.js';
import { readFunctions, type TemplateFunction } from './functions.js';
import { readQueues, type TemplateQueue } from './queues.js';
import { createLocalResolver, type LocalResolverOptions } from './local-resolver.js';
import { readStateMachine, type TemplateStateMachine } from './state-machines.js';

/** Everything the local stack takes from the synthesized template. */
export interface StackModel {
  readonly functions: readonly TemplateFunction[];
  readonly trainingStateMachine: TemplateStateMachine;
  readonly api: TemplateApi;
  readonly queues: readonly TemplateQueue[];
}

/** Reads the functions, training state machine, REST API and queues of the stack. */
export function readStackModel(template: CfnTemplate, options: LocalResolverOptions): StackModel {
  const resolver = createLocalResolver(template, options);
  return {
    functions: readFunctions(template, resolver),
    trainingStateMachine: readStateMachine(template, resolver, 'TrainingStateMachineArn'),
    api: readApi(template, resolver),
    queues: readQueues(template),
  };
}
