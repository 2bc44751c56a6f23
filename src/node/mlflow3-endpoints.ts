/**
 * MLflow 3's endpoints in `edgeflow ui` (mlflow3-models-and-inputs.md §6): logged models (CRUD,
 * search, params, tags, artifact listing and files), `runs/log-inputs`, `runs/outputs`, and the
 * UI-only `experiments/search-datasets` (routed below `/ajax-api` only, as in MLflow). Answers have
 * MLflow's shapes: `{}` for an empty search, `model_id` required in the body of finalize and params,
 * the finalize status by proto name or number.
 * @module
 */
import { EdgeflowError } from '../core/errors.js';
import type { LoggedModel } from '../core/logged-models/entities.js';
import type { LoggedModelOrderBy } from '../core/logged-models/logged-model-store.js';
import type { Json } from '../storage/rest/wire.js';
import { datasetSummaryToJson, loggedModelToJson, statusFromJson, toDatasetInput } from '../storage/rest/wire-mlflow3.js';
import { decodeUrlComponent } from './http-guard.js';
import { safePath } from './mlflow-artifact-proxy.js';
import { GET, done, missing, read, write, type Context, type Endpoint, type Input } from './mlflow-rest-input.js';

/** REST's default page size of a logged-model search (the proto default). */
const REST_PAGE_SIZE = 50;

const record = (items: readonly { key: string; value: string }[]): Record<string, string> => Object.fromEntries(items.map((t) => [t.key, t.value]));

function modelJson(ctx: Context, model: LoggedModel): Json {
  return loggedModelToJson(model, ctx.modelArtifactUri(model));
}

function boolOf(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'boolean') return value;
  throw EdgeflowError.invalidParameterValue(`Invalid value ${JSON.stringify(value)} for parameter '${field}' supplied: it must be a boolean.`, { details: { field } });
}

function orderBy(input: Input): LoggedModelOrderBy[] {
  return input.objects('order_by').map((o) => {
    if (typeof o['field_name'] !== 'string' || o['field_name'] === '') throw missing('field_name');
    return {
      fieldName: o['field_name'],
      ascending: boolOf(o['ascending'], 'ascending'),
      ...(typeof o['dataset_name'] === 'string' ? { datasetName: o['dataset_name'] } : {}),
      ...(typeof o['dataset_digest'] === 'string' ? { datasetDigest: o['dataset_digest'] } : {}),
    };
  });
}

const search = read(['POST'], async (ctx) => {
  const { client, input } = ctx;
  const experimentIds = input.strings('experiment_ids');
  if (experimentIds.length === 0) throw missing('experiment_ids');
  const page = await client.searchLoggedModels(experimentIds, {
    ...ctx.input.opt('filter', 'filter', input.str),
    datasets: input.objects('datasets').map((d) => ({
      datasetName: typeof d['dataset_name'] === 'string' ? d['dataset_name'] : '',
      ...(typeof d['dataset_digest'] === 'string' ? { datasetDigest: d['dataset_digest'] } : {}),
    })),
    orderBy: orderBy(input),
    maxResults: input.int('max_results') ?? REST_PAGE_SIZE,
    ...input.opt('page_token', 'pageToken', input.str),
  });
  if (page.items.length === 0) return {};
  const models = page.items.map((m) => modelJson(ctx, m));
  return page.nextPageToken === undefined ? { models } : { models, next_page_token: page.nextPageToken };
});

/** `logged-models/{id}`: get, finalize (PATCH, body `model_id` and `status`), delete. */
const model: Endpoint = {
  methods: ['GET', 'PATCH', 'DELETE'],
  write: (method) => method !== 'GET',
  run: async (ctx) => {
    const { method, client, input, params } = ctx;
    if (method === 'GET') return { model: modelJson(ctx, await client.getLoggedModel(params[0]!)) };
    if (method === 'DELETE') return done(client.deleteLoggedModel(params[0]!));
    const id = input.required('model_id');
    const raw = input.raw('status');
    if (raw === undefined) throw missing('status');
    const status = statusFromJson(raw);
    if (status === undefined) {
      throw EdgeflowError.invalidParameterValue(`Invalid value ${JSON.stringify(raw)} for parameter 'status' supplied: it must be a LoggedModelStatus name or number.`, {
        details: { field: 'status' },
      });
    }
    return { model: modelJson(ctx, await client.finalizeLoggedModel(id, status)) };
  },
};

const ROUTES: readonly { readonly pattern: RegExp; readonly endpoint: Endpoint; readonly ajaxOnly?: boolean }[] = [
  {
    pattern: /^logged-models$/u,
    endpoint: write('POST', async (ctx) => {
      const { client, input } = ctx;
      const created = await client.createLoggedModel(input.required('experiment_id'), {
        ...(input.str('name') ? { name: input.str('name')! } : {}),
        // MLflow's server stores '' for an absent type or run (§4.1).
        modelType: input.str('model_type') ?? '',
        sourceRunId: input.str('source_run_id') ?? '',
        params: record(input.keyValues('params')),
        tags: record(input.keyValues('tags')),
      });
      return { model: modelJson(ctx, created) };
    }),
  },
  { pattern: /^logged-models\/search$/u, endpoint: search },
  { pattern: /^logged-models\/([^/]+)$/u, endpoint: model },
  {
    pattern: /^logged-models\/([^/]+)\/params$/u,
    endpoint: write('POST', async ({ client, input, params }) => {
      input.required('model_id');
      return done(client.logModelParams(params[0]!, record(input.keyValues('params'))));
    }),
  },
  { pattern: /^logged-models\/([^/]+)\/tags$/u, endpoint: write('PATCH', ({ client, input, params }) => done(client.setLoggedModelTags(params[0]!, record(input.keyValues('tags'))))) },
  { pattern: /^logged-models\/([^/]+)\/tags\/(.+)$/u, endpoint: write('DELETE', ({ client, params }) => done(client.deleteLoggedModelTag(params[0]!, params[1]!))) },
  {
    pattern: /^logged-models\/([^/]+)\/artifacts\/directories$/u,
    endpoint: read(GET, async (ctx) => {
      const { client, input, params } = ctx;
      const found = await client.getLoggedModel(params[0]!);
      const path = safePath((input.str('artifact_directory_path') ?? '').replace(/\/+$/u, ''));
      const files = (await ctx.modelFiles.list(found, path)).map((f) => ({ path: f.path, is_dir: f.isDir, ...(f.isDir ? {} : { file_size: f.fileSize ?? 0 }) }));
      return { root_uri: ctx.modelArtifactUri(found), ...(files.length === 0 ? {} : { files }) };
    }),
  },
  {
    pattern: /^logged-models\/([^/]+)\/artifacts\/files$/u,
    endpoint: read(GET, async ({ client, input, params, modelFiles }) => modelFiles.get(await client.getLoggedModel(params[0]!), safePath(input.required('artifact_file_path')))),
  },
  {
    pattern: /^runs\/log-inputs$/u,
    endpoint: write('POST', ({ client, input }) =>
      done(
        client.logInputs(input.runId(), {
          datasets: input.objects('datasets').map(toDatasetInput),
          models: input.objects('models').map((m) => ({ modelId: String(m['model_id'] ?? '') })),
        }),
      ),
    ),
  },
  {
    pattern: /^runs\/outputs$/u,
    endpoint: write('POST', ({ client, input }) => {
      const runId = input.runId();
      const models = input.objects('models');
      if (models.length === 0) throw missing('models');
      return done(client.logOutputs(runId, models.map((m) => ({ modelId: String(m['model_id'] ?? ''), step: typeof m['step'] === 'number' ? m['step'] : 0 }))));
    }),
  },
  {
    pattern: /^experiments\/search-datasets$/u,
    ajaxOnly: true,
    endpoint: read(['POST'], async ({ client, input }) => ({ dataset_summaries: (await client.searchDatasets(input.strings('experiment_ids'))).map(datasetSummaryToJson) })),
  },
];

/**
 * The MLflow 3 endpoint at `name` (the path below `/api/2.0/mlflow/` or `/ajax-api/2.0/mlflow/`),
 * with its decoded path parameters; undefined when none (or an `/ajax-api`-only one asked below `/api`).
 */
export function resolveMlflow3Endpoint(name: string, ajax: boolean): { readonly endpoint: Endpoint; readonly params: string[] } | undefined {
  for (const route of ROUTES) {
    const match = route.pattern.exec(name);
    if (match === null || (route.ajaxOnly && !ajax)) continue;
    return { endpoint: route.endpoint, params: match.slice(1).map((p) => decodeUrlComponent(p, 'path parameter')) };
  }
  return undefined;
}
