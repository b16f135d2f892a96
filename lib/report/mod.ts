/**
 * Reports (issue 13 §2, spec 001 "Rapports automatiques"): `report daily|weekly|security` as
 * data (the {@linkcode ReportDocument}), Markdown, self-contained HTML, or an alert message,
 * built from the `--format json` documents of `logs`, `health-check`, `audit`, `stats` and
 * `cache info`.
 *
 * @module
 */
export * from "./report_document.ts";
export * from "./build_report.ts";
export * from "./cache_samples.ts";
export * from "./shell_quote.ts";
export * from "./render_text.ts";
export * from "./render_markdown.ts";
export * from "./render_html.ts";
export * from "./report_alert.ts";
