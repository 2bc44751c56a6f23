/**
 * Self-contained HTML reports (`edgeflow/report`).
 * @module edgeflow/report
 */
export { exportReport, renderReport, loadViewerScript, jsonForHtml, scriptForHtml, escapeHtml, type ExportReportOptions } from './export-report.js';
export {
  collectReport,
  reportNotice,
  REPORT_INFO_ID,
  REPORT_BUNDLE_ID,
  DEFAULT_REPORT_MAX_BYTES,
  type ReportContent,
  type ReportInfo,
  type ReportOptions,
  type OmittedArtifact,
} from './report-bundle.js';
