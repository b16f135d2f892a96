import { assertEquals } from "../../tests/helpers/assert.ts";
import vectors from "../../tests/data/pep425_vectors.json" with { type: "json" };
import { supportedTags } from "../pep425/mod.ts";
import { type InterpreterInfo, tagInput } from "./interpreter_info.ts";

Deno.test("tagInput() turns a probe into what PEP 425 tags need (packaging's sys_tags() vectors)", () => {
  for (const [name, { info, tags }] of Object.entries(vectors)) {
    const input = tagInput(info as unknown as InterpreterInfo);
    assertEquals([...supportedTags(input).tags], tags, name);
  }
});
