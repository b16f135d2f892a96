/**
 * requirements.txt files (pip's "Requirements File Format").
 *
 * @module
 */
export * from "./requirements_file.ts";
