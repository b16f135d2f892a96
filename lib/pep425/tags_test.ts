import { assertEquals } from "../../tests/helpers/assert.ts";
import vectors from "../../tests/data/pep425_vectors.json" with { type: "json" };
import { bestTagRank, supportedTags, type TagInput } from "./mod.ts";

/** The vectors describe interpreters as gestvenv's probe does (snake_case fields). */
function input(info: Record<string, unknown>): TagInput {
  const version = info.version_info as number[];
  return {
    implementation: info.implementation as string,
    pythonVersion: [version[0]!, version[1]!],
    platform: info.sysconfig_platform as string,
    soabi: info.soabi as string | null,
    freeThreaded: info.gil_disabled as boolean,
    pointerBits: info.pointer_size as 32 | 64,
    libc: info.libc as TagInput["libc"],
  };
}

for (const [name, { info, tags }] of Object.entries(vectors)) {
  Deno.test(`supported tags match packaging.tags (${name})`, () => {
    assertEquals([...supportedTags(input(info)).tags], tags);
  });
}

Deno.test("compressed tag sets take their best member", () => {
  const set = supportedTags(input(vectors.linux_cp311.info));
  assertEquals(bestTagRank(set, ["py2", "py3"], ["none"], ["any"]), set.rank("py3-none-any"));
  assertEquals(bestTagRank(set, ["cp311"], ["cp311"], ["win_amd64"]), undefined);
  assertEquals(
    bestTagRank(set, ["cp311"], ["cp311"], ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]),
    set.rank("cp311-cp311-manylinux_2_17_x86_64"),
  );
});
