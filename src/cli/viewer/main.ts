/**
 * The `edgeflow ui` page: a `RestStore` on the serving origin (the CLI speaks MLflow's REST API),
 * read-only unless the server says otherwise, shown by the shared viewer.
 * @module
 */
import { RestStore } from '../../storage/rest/rest-store.js';
import { mountViewer, readOnlyView } from '../../report/viewer-app.js';

interface UiConfig {
  readonly title: string;
  readonly readOnly: boolean;
}

const config = (await (await fetch(new URL('edgeflow-ui.json', location.href))).json()) as UiConfig;
const rest = new RestStore({ baseUrl: location.origin });
document.title = `${config.title} — edgeflow ui`;
await mountViewer(document.getElementById('app')!, config.readOnly ? readOnlyView(rest) : rest, { title: config.title });
