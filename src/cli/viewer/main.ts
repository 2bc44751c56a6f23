/**
 * The `edgeflow ui` page: a `RestStore` on the serving origin (the CLI speaks MLflow's REST API),
 * read-only unless the server says otherwise, shown by `<ef-viewer>`.
 * @module
 */
import '../../components/define.js';
import { RestStore } from '../../storage/rest/rest-store.js';
import { readOnlyView } from './read-only-view.js';

interface UiConfig {
  readonly title: string;
  readonly readOnly: boolean;
}

const config = (await (await fetch(new URL('edgeflow-ui.json', location.href))).json()) as UiConfig;
const rest = new RestStore({ baseUrl: location.origin });
document.title = `${config.title} — edgeflow ui`;
const viewer = document.createElement('ef-viewer');
viewer.heading = config.title;
viewer.store = config.readOnly ? readOnlyView(rest) : rest;
document.getElementById('app')!.replaceWith(viewer);
