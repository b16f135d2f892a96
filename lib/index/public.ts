/**
 * The package index client as a library exposes it (the `./index` entry point of deno.json):
 * PEP 503/691 simple API pages read into file lists, PEP 658 metadata, find-links, with a page
 * cache honouring `Cache-Control`, and the HTTP client underneath (timeouts in ms, retries,
 * `.netrc` credentials). The area's `mod.ts` also carries internals other areas share (cache
 * entries, page encodings); they are not part of this face.
 *
 * @example Parse a PEP 691 JSON page
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJsonPage } from "@gestvenv/gestvenv/index";
 *
 * const page = JSON.stringify({
 *   meta: { "api-version": "1.1" },
 *   name: "demo",
 *   files: [{
 *     filename: "demo-1.0-py3-none-any.whl",
 *     url: "demo-1.0-py3-none-any.whl",
 *     hashes: { sha256: "0".repeat(64) },
 *     "requires-python": ">=3.8",
 *   }],
 * });
 * const [file] = parseJsonPage(page, "https://example.org/simple/demo/");
 * assert(file?.url === "https://example.org/simple/demo/demo-1.0-py3-none-any.whl");
 * assert(file?.requiresPython === ">=3.8");
 * ```
 *
 * @module
 */
export {
  type BodySink,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_READ_TIMEOUT_MS,
  HttpClient,
  type HttpClientOptions,
  type HttpResponse,
  type RequestOptions,
} from "./http_client.ts";
export type { Counter, Phase, SpanEvents } from "../events/mod.ts";
export type { AllowedSourceRule, AllowedSources } from "../config/mod.ts";
export { type IndexFile, parseHtmlPage, parseJsonPage, SIMPLE_ACCEPT } from "./simple_page.ts";
export {
  IndexClient,
  type IndexClientOptions,
  type ProjectFiles,
  type SdistMetadataBuilder,
} from "./index_client.ts";
export type { PageEntry, ProjectPage } from "./project_page.ts";
export { type ArtifactMismatch, ArtifactMismatchError, type ArtifactSpec } from "./download.ts";
