import type { Command } from 'commander';
import { ApiClient, expectOk } from '../api-client.js';
import { Output, percent } from '../output.js';
import { type GlobalOptions, resolveTarget } from '../target.js';

/** One version as `GET /models` lists it, with the fields the CLI prints. */
interface ModelSummary {
  readonly version: string;
  readonly createdAt?: string;
  readonly loss?: string;
  readonly labels?: readonly string[];
  readonly validation?: { readonly accuracy?: number };
  readonly current?: boolean;
}

/** `vgg-probe models` and `vgg-probe rollback VERSION`. */
export function registerModels(program: Command): void {
  program
    .command('models')
    .description('list the published model versions with their validation accuracy')
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const output = new Output(Boolean(globals.json));
      const target = await resolveTarget(globals);
      const api = new ApiClient({ apiUrl: target.apiUrl, apiKey: target.apiKey });
      const body = expectOk(await api.models<unknown>(), 'listing models');
      const models = modelList(body);

      output.result(
        body,
        models.length === 0
          ? ['no model published yet; run `vgg-probe train`']
          : models.map(
              (model) =>
                `${model.current ? '*' : ' '} ${model.version}  ${model.loss ?? ''}  validation accuracy ` +
                `${percent(model.validation?.accuracy)}  ${(model.labels ?? []).join(', ')}`,
            ),
      );
    });

  program
    .command('rollback')
    .description('make an earlier model version the one that predict serves')
    .argument('<version>', 'a version listed by `vgg-probe models`')
    .action(async (version: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const output = new Output(Boolean(globals.json));
      const target = await resolveTarget(globals);
      const api = new ApiClient({ apiUrl: target.apiUrl, apiKey: target.apiKey });
      const body = expectOk(
        await api.rollback<Record<string, unknown>>(version),
        `rollback to ${version}`,
      );
      output.result(body, [`predict now serves model ${version}`]);
    });
}

/** Reads the version list from a `GET /models` body, `{"current": …, "versions": […]}`. */
function modelList(body: unknown): ModelSummary[] {
  const versions = (body as { versions?: unknown } | null)?.versions;
  return Array.isArray(versions) ? (versions as ModelSummary[]) : [];
}
