import { assertEquals } from "../../tests/helpers/assert.ts";
import vectors from "../../tests/data/pep425_vectors.json" with { type: "json" };
import { bestTagRank, supportedTags, type TagInterpreter } from "./mod.ts";

for (const [name, { info, tags }] of Object.entries(vectors)) {
  Deno.test(`supported tags match packaging.tags (${name})`, () => {
    assertEquals([...supportedTags(info as unknown as TagInterpreter).tags], tags);
  });
}

Deno.test("compressed tag sets take their best member", () => {
  const set = supportedTags(vectors.linux_cp311.info as unknown as TagInterpreter);
  assertEquals(bestTagRank(set, ["py2", "py3"], ["none"], ["any"]), set.rank("py3-none-any"));
  assertEquals(bestTagRank(set, ["cp311"], ["cp311"], ["win_amd64"]), undefined);
  assertEquals(
    bestTagRank(set, ["cp311"], ["cp311"], ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]),
    set.rank("cp311-cp311-manylinux_2_17_x86_64"),
  );
});
