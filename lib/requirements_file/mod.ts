/**
 * requirements.txt files (pip's "Requirements File Format").
 *
 * @example Read a requirements file
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRequirementsFile } from "@gestvenv/gestvenv/requirements_file";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/base.txt`, "idna>=3\n");
 * await Deno.writeTextFile(
 *   `${dir}/requirements.txt`,
 *   "--index-url https://example.org/simple\n-r base.txt\nrequests[socks]==2.32.3  # pinned\n",
 * );
 * const file = await readRequirementsFile(`${dir}/requirements.txt`);
 * assert.equal(file.indexUrl, "https://example.org/simple");
 * assert.deepEqual(file.requirements.map((r) => r.requirement.name), ["idna", "requests"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export * from "./requirements_file.ts";
