/**
 * Entry of the self-contained report page: reads the inlined data, loads it into a MemoryStore and
 * shows it read-only with the shared viewer. Works from `file://`, offline.
 * @module
 */
import { MemoryStore } from '../storage/memory/memory-store.js';
import { loadReportData, REPORT_DATA_ID, type ReportData } from './report-data.js';
import { mountViewer, readOnlyView } from './viewer-app.js';

const script = document.getElementById(REPORT_DATA_ID);
const data = JSON.parse(script?.textContent ?? '{}') as ReportData;
const store = new MemoryStore({ artifactRoot: 'report://artifacts' });
await loadReportData(store, data);
await mountViewer(document.getElementById('app')!, readOnlyView(store), { title: data.title });
