import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import vectors from "../../tests/data/pep440_vectors.json" with { type: "json" };
import {
  compareVersions,
  isPrerelease,
  parseSpecifierSet,
  parseVersion,
  satisfiesSpecifierSet,
  tryParseVersion,
} from "./mod.ts";

Deno.test("PEP 440 normalization matches packaging", () => {
  for (const [text, normalized] of Object.entries(vectors.normalized)) {
    assertEquals(parseVersion(text).text, normalized, text);
    assertEquals(
      isPrerelease(parseVersion(text)),
      (vectors.prerelease as Record<string, boolean>)[text],
      text,
    );
  }
});

Deno.test("PEP 440 ordering matches packaging", () => {
  const sorted = vectors.sorted.map((v) => parseVersion(v));
  for (let i = 1; i < sorted.length; i++) {
    assertEquals(
      compareVersions(sorted[i - 1]!, sorted[i]!),
      -1,
      `${sorted[i - 1]!.text} < ${sorted[i]!.text}`,
    );
    assertEquals(compareVersions(sorted[i]!, sorted[i - 1]!), 1);
  }
  assertEquals(compareVersions(parseVersion("1.0"), parseVersion("1.0.0")), 0);
  assertEquals(compareVersions(parseVersion("1.0+abc"), parseVersion("1.0+ABC")), 0);
});

Deno.test("PEP 440 specifier matching matches packaging on every generated case", () => {
  let checked = 0;
  for (
    const [version, spec, withPre, byDefault] of vectors.contains as [
      string,
      string,
      boolean,
      boolean,
    ][]
  ) {
    const set = parseSpecifierSet(spec);
    const v = parseVersion(version);
    assertEquals(
      satisfiesSpecifierSet(v, set, true),
      withPre,
      `${version} in "${spec}" (prereleases)`,
    );
    assertEquals(satisfiesSpecifierSet(v, set), byDefault, `${version} in "${spec}" (default)`);
    checked++;
  }
  assert(checked > 1000, `only ${checked} cases`);
});

Deno.test("invalid versions and specifiers are rejected", () => {
  for (const text of vectors.invalid_versions) assertEquals(tryParseVersion(text), null, text);
  for (const text of vectors.invalid_specifiers) {
    let threw = false;
    try {
      parseSpecifierSet(text);
    } catch {
      threw = true;
    }
    assert(threw, `accepted ${text}`);
  }
});
