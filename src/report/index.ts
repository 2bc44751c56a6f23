/**
 * Self-contained HTML reports (`edgeflow/report`).
 * @module
 */
export { exportReport, renderReport, loadViewerScript, jsonForHtml, scriptForHtml, escapeHtml, type ExportReportOptions } from './export-report.js';
export { collectReportData, loadReportData, REPORT_DATA_ID, type ReportData, type ReportRun, type ReportSelection, type JsonDouble } from './report-data.js';
