/**
 * Entry of the self-contained report page: opens the inlined zip bundle in `<ef-viewer>`
 * (read-only, from a Blob) and says which artifacts the report left out. Works from `file://`,
 * offline.
 * @module
 */
import '../components/define.js';
import { REPORT_BUNDLE_ID, REPORT_INFO_ID, base64ToBytes, reportNotice, type ReportInfo } from './report-bundle.js';

const info = JSON.parse(document.getElementById(REPORT_INFO_ID)?.textContent ?? '{}') as ReportInfo;
const bytes = base64ToBytes(document.getElementById(REPORT_BUNDLE_ID)?.textContent ?? '');
const viewer = document.createElement('ef-viewer');
viewer.heading = info.title;
const notice = reportNotice(info);
if (notice !== undefined) {
  const note = document.createElement('p');
  note.slot = 'notice';
  note.setAttribute('role', 'note');
  note.textContent = notice;
  viewer.append(note);
}
viewer.src = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
document.body.append(viewer);
