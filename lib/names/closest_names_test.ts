import { assertEquals } from "../../tests/helpers/assert.ts";
import { closestNames, editDistance, formatAlternatives } from "./closest_names.ts";

Deno.test("editDistance() counts insertions, deletions, substitutions and transpositions", () => {
  const cases: Array<[string, string, number]> = [
    ["", "", 0],
    ["", "abc", 3],
    ["monap", "monapp", 1],
    ["monapp", "monap", 1],
    ["flsak", "flask", 1],
    ["web", "wbe", 1],
    ["kitten", "sitting", 3],
    ["ca", "abc", 3],
    ["same", "same", 0],
  ];
  for (const [a, b, d] of cases) assertEquals(editDistance(a, b), d, `${a} -> ${b}`);
});

Deno.test("closestNames() suggests near names and prefixes, nearest first, never the word", () => {
  const envs = ["monapp", "web", "api", "monapp-old", "constructor", "__proto__"];
  assertEquals(closestNames("monap", envs), ["monapp", "monapp-old"]);
  assertEquals(closestNames("wbe", envs), ["web"]);
  assertEquals(closestNames("MONAPP", envs), ["monapp", "monapp-old"], "case is ignored");
  assertEquals(closestNames("web", envs), [], "the word itself is not a suggestion");
  assertEquals(closestNames("zz", envs), []);
  assertEquals(closestNames("ap", ["api", "apx", "zap"]), ["api", "apx", "zap"]);
  assertEquals(closestNames("a", ["api", "b"]), ["b"], "one-letter words: distance 1, no prefix");
  assertEquals(closestNames("constructr", envs), ["constructor"]);
  assertEquals(closestNames("x", [], { limit: 1 }), []);
  assertEquals(closestNames("abcd", ["abce", "abcf", "abcg", "abch"], { limit: 2 }), [
    "abce",
    "abcf",
  ]);
});

Deno.test("formatAlternatives() joins names for a sentence", () => {
  assertEquals(formatAlternatives([]), "");
  assertEquals(formatAlternatives(["a"]), "`a`");
  assertEquals(formatAlternatives(["a", "b", "c"]), "`a`, `b` or `c`");
});
