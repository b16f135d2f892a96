/**
 * The package index client: PEP 691/503 pages, PEP 658 metadata, range requests, an HTTP cache,
 * retries, netrc; and the one decision of which indexes apply (`decideIndexes`).
 *
 * @module
 */
export * from "./http_client.ts";
export * from "./cache_entry.ts";
export * from "./project_page.ts";
export * from "./page_parser.ts";
export * from "./index_client.ts";
export * from "./netrc.ts";
export * from "./simple_page.ts";
export * from "./sdist_metadata.ts";
export * from "./download.ts";
export * from "./decide_indexes.ts";
export * from "./source_check.ts";
