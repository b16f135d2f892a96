import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { buildWheel } from "../helpers/build_wheel.ts";
import { cycloneDxErrors, spdxErrors } from "../helpers/sbom_schemas.ts";
import { assertOk, createTestContext, runDenyNet } from "../helpers/test_context.ts";

function wheels() {
  return [
    buildWheel({
      name: "Demo_Lib",
      version: "1.0.0",
      dependencies: ["demo-dep>=1", "never-installed; python_version < '3'"],
      metadataFields: ["License-Expression: MIT OR Apache-2.0", "Author: Ann Example"],
    }),
    buildWheel({
      name: "demo-dep",
      version: "2.0.0",
      metadataFields: [
        "License: Proprietary, see the LICENSE file",
        "Author-email: Bob Builder <bob@example.org>",
      ],
    }),
    buildWheel({
      name: "classified",
      version: "0.5",
      metadataFields: ["Classifier: License :: OSI Approved :: BSD License"],
    }),
  ];
}

Deno.test("sbom: CycloneDX 1.5 (schema-valid) lists every distribution with PURL, lock sha256, licence and graph", async () => {
  const built = wheels();
  await using ctx = await createTestContext(built);
  assertOk(await ctx.run(["create", "app", "--packages", "demo-lib classified"]));
  // Everything comes from the environment and its lock: no network.
  const result = await runDenyNet(ctx, ["sbom", "app"]);
  assertOk(result);
  const bom = JSON.parse(result.stdout);
  assertEquals(await cycloneDxErrors(bom), []);
  assertEquals(bom.specVersion, "1.5");
  assertMatch(bom.serialNumber, /^urn:uuid:/);
  assertEquals(bom.metadata.tools.components[0].name, "gestvenv");
  const props = Object.fromEntries(
    bom.metadata.component.properties.map((
      p: { name: string; value: string },
    ) => [p.name, p.value]),
  );
  assertMatch(props["gestvenv:python_version"], /^3\.\d+\.\d+/);
  type Component = {
    name: string;
    purl: string;
    hashes?: { alg: string; content: string }[];
    licenses?: unknown[];
    author?: string;
  };
  const byName = new Map<string, Component>(bom.components.map((c: Component) => [c.name, c]));
  assertEquals([...byName.keys()].sort(), ["Demo_Lib", "classified", "demo-dep"]);
  const lib = byName.get("Demo_Lib")!;
  assertEquals(lib.purl, "pkg:pypi/demo-lib@1.0.0");
  // The artifact's sha256: the wheel the index served, as the lock records it.
  assertEquals(lib.hashes, [{ alg: "SHA-256", content: built[0]!.sha256 }]);
  assertEquals(lib.licenses, [{ expression: "MIT OR Apache-2.0" }]);
  assertEquals(lib.author, "Ann Example");
  const dep = byName.get("demo-dep")!;
  assertEquals(dep.licenses, [{ license: { name: "Proprietary, see the LICENSE file" } }]);
  assertEquals(dep.author, "Bob Builder");
  assertEquals(dep.hashes, [{ alg: "SHA-256", content: built[1]!.sha256 }]);
  // `BSD License` is ambiguous: the classifier's name, never a guessed id.
  assertEquals(byName.get("classified")!.licenses, [{ license: { name: "BSD License" } }]);
  const graph = new Map(
    bom.dependencies.map((d: { ref: string; dependsOn: string[] }) => [d.ref, d.dependsOn]),
  );
  assertEquals(graph.get("pkg:pypi/demo-lib@1.0.0"), ["pkg:pypi/demo-dep@2.0.0"]);
  assertEquals(graph.get("gestvenv-environment:app"), [
    "pkg:pypi/classified@0.5",
    "pkg:pypi/demo-lib@1.0.0",
  ]);
});

Deno.test("sbom --format spdx-json -o FILE: an SPDX 2.3 document written atomically; no lock, no hashes", async () => {
  const built = wheels();
  await using ctx = await createTestContext(built);
  assertOk(await ctx.run(["create", "app", "--packages", "demo-lib"]));
  const out = join(ctx.work, "app.spdx.json");
  const written = await ctx.run(["sbom", "app", "--format", "spdx-json", "-o", out]);
  assertOk(written);
  assertStringIncludes(written.stderr, "SPDX 2.3, 2 distributions");
  assertEquals(written.stdout, "");
  const doc = JSON.parse(await Deno.readTextFile(out));
  assertEquals(spdxErrors(doc), []);
  const lib = doc.packages.find((p: { name: string }) => p.name === "Demo_Lib");
  assertEquals(lib.licenseDeclared, "MIT OR Apache-2.0");
  assertEquals(lib.checksums, [{ algorithm: "SHA256", checksumValue: built[0]!.sha256 }]);
  assertEquals(lib.externalRefs[0].referenceLocator, "pkg:pypi/demo-lib@1.0.0");
  const dep = doc.packages.find((p: { name: string }) => p.name === "demo-dep");
  assertEquals(dep.licenseDeclared, "NOASSERTION");
  assertStringIncludes(dep.licenseComments, "Proprietary");
  assert(
    doc.relationships.some((r: Record<string, string>) =>
      r.spdxElementId === lib.SPDXID && r.relationshipType === "DEPENDS_ON" &&
      r.relatedSpdxElement === dep.SPDXID
    ),
  );

  // Without the lock, the artifact is unknown: no hash rather than a RECORD hash.
  await Deno.remove(join(ctx.envPath("app"), "pylock.toml"));
  const unlocked = await ctx.run(["sbom", "app"]);
  assertOk(unlocked);
  const bom = JSON.parse(unlocked.stdout);
  assertEquals(await cycloneDxErrors(bom), []);
  assertEquals(bom.components.filter((c: { hashes?: unknown }) => c.hashes !== undefined), []);
});

Deno.test("sbom: an unknown environment exits 3; an unsupported format exits 2; --dry-run writes nothing", async () => {
  await using ctx = await createTestContext(wheels());
  const missing = await ctx.run(["sbom", "nope"]);
  assertEquals(missing.code, 3);
  assertEquals(missing.stdout, "");
  assertOk(await ctx.run(["create", "app"]));
  const table = await ctx.run(["sbom", "app", "--format", "table"]);
  assertEquals(table.code, 2);
  assertStringIncludes(table.stderr, "cyclonedx-json, spdx-json");
  const out = join(ctx.work, "bom.json");
  const dry = await ctx.run(["sbom", "app", "-o", out, "--dry-run"]);
  assertOk(dry);
  assertStringIncludes(dry.stderr, "Would write");
  await Deno.stat(out).then(() => assert(false, "--dry-run wrote the file"), () => {});
  // An empty environment is still a valid document.
  const empty = await ctx.run(["sbom", "app"]);
  assertOk(empty);
  assertEquals(await cycloneDxErrors(JSON.parse(empty.stdout)), []);
});

Deno.test("sbom: a .dist-info without RECORD is still listed, with a warning", async () => {
  await using ctx = await createTestContext(wheels());
  assertOk(await ctx.run(["create", "app", "--packages", "demo-dep==2.0.0"]));
  const lib = join(ctx.envPath("app"), "lib");
  let sp = "";
  for await (const e of Deno.readDir(lib)) {
    if (e.name.startsWith("python")) sp = join(lib, e.name, "site-packages");
  }
  await Deno.remove(join(sp, "demo_dep-2.0.0.dist-info", "RECORD"));
  const result = await ctx.run(["sbom", "app"]);
  assertOk(result);
  const bom = JSON.parse(result.stdout);
  assertEquals(
    bom.components.map((c: { purl: string }) => c.purl),
    ["pkg:pypi/demo-dep@2.0.0"],
  );
  assertStringIncludes(result.stderr, "demo-dep 2.0.0 is an unfinished installation (no RECORD");
  assertEquals(await cycloneDxErrors(bom), []);
});
