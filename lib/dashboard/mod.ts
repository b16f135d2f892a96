/**
 * The local web dashboard (issue 13 §1): `gestvenv dashboard serve`'s server, its security checks
 * (token, Host, Origin, read-only), the read routes (command lines whose `--format json` envelope
 * is the response), and the job queue with server-sent events.
 *
 * @module
 */
export * from "./server.ts";
export * from "./request_guard.ts";
export * from "./read_routes.ts";
export * from "./job_request.ts";
export * from "./jobs.ts";
export * from "./http_status.ts";
export * from "./token.ts";
