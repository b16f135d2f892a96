/**
 * The built-in guide (`gestvenv docs`): README.md's sections embedded at build time
 * (`deno task gen-docs`), listed and found by name with no file read and no network.
 *
 * @module
 */
export * from "./guide_topic.ts";
export * from "./guide.generated.ts";
