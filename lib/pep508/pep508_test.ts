import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import vectors from "../../tests/data/pep508_vectors.json" with { type: "json" };
import {
  evaluateMarker,
  formatMarker,
  formatRequirement,
  type MarkerEnvironment,
  parseMarker,
  parseRequirement,
} from "./mod.ts";
import { formatSpecifierSet } from "../pep440/mod.ts";

const environments = vectors.environments as Record<string, MarkerEnvironment>;

Deno.test("marker evaluation matches packaging", () => {
  for (
    const [text, envName, extra, expected] of vectors.markers as [string, string, string, boolean][]
  ) {
    const marker = parseMarker(text);
    assertEquals(
      evaluateMarker(marker, { ...environments[envName]!, extra }),
      expected,
      `${text} in ${envName} with extra=${extra}`,
    );
  }
});

Deno.test("requirements parse like packaging", () => {
  for (const r of vectors.requirements) {
    const req = parseRequirement(r.text);
    assertEquals(req.name, r.name, r.text);
    assertEquals(req.extras, r.extras.map((e) => e.toLowerCase().replace(/[-_.]+/g, "-")), r.text);
    assertEquals(req.url, r.url, r.text);
    const spec = formatSpecifierSet(req.specifier).split(",").sort().join(",");
    assertEquals(spec, r.specifier.split(",").sort().join(","), r.text);
    assertEquals(req.marker === null ? null : formatMarker(req.marker), r.marker, r.text);
    // Round trip.
    assertEquals(parseRequirement(formatRequirement(req)), req, r.text);
  }
});

Deno.test("invalid requirements are rejected with a column", () => {
  for (const text of vectors.invalid) {
    let message = "";
    try {
      parseRequirement(text, "reqs.txt:4");
    } catch (error) {
      message = String(error);
    }
    assert(message.includes("reqs.txt:4"), `accepted ${JSON.stringify(text)}: ${message}`);
  }
});
