import { assertEquals } from "../../tests/helpers/assert.ts";
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import type { MarkerEnvironment } from "../python/mod.ts";
import vectors from "../../tests/data/pep508_vectors.json" with { type: "json" };
import {
  bytesSource,
  dependenciesFor,
  findWheelMetadata,
  parseCoreMetadata,
  readZipDirectory,
  readZipEntry,
} from "./mod.ts";

const env = vectors.environments.linux311 as MarkerEnvironment;

const TEXT = [
  "Metadata-Version: 2.3",
  "Name: Requests",
  "Version: 2.32.3",
  "Summary: Python HTTP for Humans.",
  "Requires-Python: >=3.8",
  "Provides-Extra: socks",
  "Provides-Extra: use_chardet_on_py3",
  "Requires-Dist: charset-normalizer<4,>=2",
  "Requires-Dist: idna<4,>=2.5",
  'Requires-Dist: PySocks!=1.5.7,>=1.5.6; extra == "socks"',
  'Requires-Dist: chardet<6,>=3.0.2; extra == "use-chardet-on-py3"',
  "Requires-Dist: win-inet-pton; sys_platform == 'win32' and extra == 'socks'",
  "Project-URL: Source, https://github.com/psf/requests",
  "License: Apache 2.0",
  "  continued",
  "",
  "Body text.",
].join("\n");

Deno.test("core metadata fields are parsed, continuation lines joined", () => {
  const m = parseCoreMetadata(TEXT);
  assertEquals([m.name, m.version, m.requiresPython], ["Requests", "2.32.3", ">=3.8"]);
  assertEquals(m.providesExtra, ["socks", "use-chardet-on-py3"]);
  assertEquals(m.requiresDist.length, 5);
  assertEquals(m.license, "Apache 2.0\ncontinued");
  assertEquals(m.projectUrls, { Source: "https://github.com/psf/requests" });
});

Deno.test("dependencies follow markers and requested extras", () => {
  const m = parseCoreMetadata(TEXT);
  const names = (extras: string[]) =>
    dependenciesFor(m, extras, env).map((d) => `${d.requirement.normalizedName}:${d.extra ?? ""}`);
  assertEquals(names([]), ["charset-normalizer:", "idna:"]);
  assertEquals(names(["socks"]), ["charset-normalizer:", "idna:", "pysocks:socks"]);
  assertEquals(names(["use-chardet-on-py3"]), [
    "charset-normalizer:",
    "idna:",
    "chardet:use-chardet-on-py3",
  ]);
});

Deno.test("the zip reader finds METADATA in a wheel from its central directory", async () => {
  const wheel = buildWheel({ name: "demo-pkg", version: "1.0", dependencies: ["other>=1"] });
  const source = bytesSource(wheel.bytes);
  const entries = await readZipDirectory(source, 64);
  const entry = findWheelMetadata(entries)!;
  assertEquals(entry.name, "demo_pkg-1.0.dist-info/METADATA");
  const text = new TextDecoder().decode(await readZipEntry(source, entry));
  assertEquals(parseCoreMetadata(text).requiresDist, ["other>=1"]);
});
