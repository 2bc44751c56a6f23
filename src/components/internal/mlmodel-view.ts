/**
 * How an `MLmodel` file reads to a person: its flavors, what it was logged from, the signature as
 * tables and the input example. Shared by the artifact browser and the model version page. Every
 * string shown comes from an untrusted file and goes through Lit's text bindings only.
 * @module
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { DataType, MLModel, ModelSignature, ParamSpec, Schema } from '../../core/formats/mlmodel.js';
import { formatBytes } from './format.js';

/** The path of the model's input example, relative to the model folder, when it saved one. */
export function inputExamplePath(model: MLModel): string | undefined {
  const path = model.savedInputExampleInfo?.['artifact_path'];
  return typeof path === 'string' && path !== '' && !path.includes('..') ? path : undefined;
}

/** A data type as MLflow's UI writes it: `double`, `array<string>`, `map<long>`, `object{a: …}`. */
export function describeDataType(dtype: DataType): string {
  switch (dtype.type) {
    case 'array':
      return `array<${describeDataType(dtype.items)}>`;
    case 'map':
      return `map<${describeDataType(dtype.values)}>`;
    case 'object':
      return `object{${dtype.properties.map((p) => `${p.name}${p.required ? '' : '?'}: ${describeDataType(p.dtype)}`).join(', ')}}`;
    default:
      return dtype.type;
  }
}

/** The tables of a signature: inputs, outputs and inference params (absent parts are said so). */
export function renderSignature(signature: ModelSignature | undefined): TemplateResult {
  if (signature === undefined) return html`<p class="muted">This model was logged without a signature.</p>`;
  return html`<div class="signature" part="signature">
    ${renderSchema('Inputs', signature.inputs)} ${renderSchema('Outputs', signature.outputs)}
    ${signature.params === null ? nothing : renderParams(signature.params)}
  </div>`;
}

function renderSchema(title: string, schema: Schema | null): TemplateResult {
  if (schema === null) return html`<h4>${title}</h4><p class="muted">Not specified.</p>`;
  if (schema.kind === 'columns') {
    return html`<h4>${title}</h4>
      <table class="spec">
        <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Required</th></tr></thead>
        <tbody>
          ${schema.columns.map(
            (c, i) => html`<tr><td>${c.name ?? `#${i}`}</td><td class="mono">${describeDataType(c.dtype)}</td><td>${c.required ? 'yes' : 'no'}</td></tr>`,
          )}
        </tbody>
      </table>`;
  }
  return html`<h4>${title}</h4>
    <table class="spec">
      <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Shape</th></tr></thead>
      <tbody>
        ${schema.tensors.map(
          (t, i) => html`<tr><td>${t.name ?? `#${i}`}</td><td class="mono">${t.dtype}</td><td class="mono">(${t.shape.map((d) => (d === -1 ? '-1' : String(d))).join(', ')})</td></tr>`,
        )}
      </tbody>
    </table>`;
}

function renderParams(params: readonly ParamSpec[]): TemplateResult {
  return html`<h4>Inference params</h4>
    <table class="spec">
      <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Default</th><th scope="col">Shape</th></tr></thead>
      <tbody>
        ${params.map(
          (p) => html`<tr>
            <td>${p.name}</td><td class="mono">${p.type}</td><td class="mono">${JSON.stringify(p.default) ?? 'null'}</td>
            <td class="mono">${p.shape === null ? '—' : `(${p.shape.join(', ')})`}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
}

/** A flavor's settings: scalars as they are, anything nested as compact JSON. */
function flavorSettings(settings: Readonly<Record<string, unknown>>): [string, string][] {
  return Object.keys(settings)
    .sort()
    .map((key) => {
      const value = settings[key];
      return [key, typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)];
    });
}

/** The whole model: what it is, where it came from, its flavors, signature and input example. */
export function renderMLmodel(model: MLModel, inputExample: string | undefined): TemplateResult {
  const facts: [string, string | undefined][] = [
    ['Run', model.runId],
    ['Model id', model.modelId ?? model.modelUuid],
    ['Created (UTC)', model.utcTimeCreated],
    ['MLflow version', model.mlflowVersion],
    ['Size', model.modelSizeBytes === undefined ? undefined : formatBytes(model.modelSizeBytes)],
  ];
  const flavors = Object.keys(model.flavors);
  return html`<div class="mlmodel" part="mlmodel">
    <dl class="facts">
      ${facts.filter((f): f is [string, string] => f[1] !== undefined).map(([k, v]) => html`<dt>${k}</dt><dd class="mono">${v}</dd>`)}
    </dl>
    <h4>Flavors</h4>
    <ul class="flavors" part="flavors">
      ${flavors.map(
        (name) => html`<li>
          <strong class="mono">${name}</strong>
          <dl class="facts">${flavorSettings(model.flavors[name]!).map(([k, v]) => html`<dt>${k}</dt><dd class="mono">${v}</dd>`)}</dl>
        </li>`,
      )}
    </ul>
    ${renderSignature(model.signature)}
    ${inputExample === undefined ? nothing : html`<h4>Input example</h4><pre class="example" part="input-example">${inputExample}</pre>`}
  </div>`;
}

/** Styles of the views above. */
export const mlmodelStyles = css`
  .mlmodel {
    padding: 8px 12px;
  }
  .mlmodel h4,
  .signature h4 {
    margin: 12px 0 4px;
    font-size: 12px;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted);
  }
  .facts {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 2px 12px;
    margin: 4px 0;
  }
  .facts dt {
    color: var(--_muted);
  }
  .facts dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .flavors {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  table.spec {
    border-collapse: collapse;
    font-size: 12px;
    max-width: 100%;
  }
  table.spec th,
  table.spec td {
    border: 1px solid var(--_border);
    padding: 2px 8px;
    text-align: left;
    overflow-wrap: anywhere;
  }
  table.spec th {
    background: var(--_surface);
  }
  .mono {
    font-family: var(--_mono);
  }
  pre.example {
    margin: 0;
    padding: 8px;
    background: var(--_surface);
    border-radius: var(--_radius);
    font-family: var(--_mono);
    font-size: 12px;
    white-space: pre-wrap;
    word-break: break-word;
    max-height: 240px;
    overflow: auto;
  }
`;
