import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../tests/helpers/assert.ts";
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import { buildMetadataBomb } from "../../tests/helpers/zip_bomb.ts";
import { DistributionError } from "../errors/mod.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";
import vectors from "../../tests/data/pep508_vectors.json" with { type: "json" };
import { dependenciesFor, metadataHeader, parseCoreMetadata, readWheelMetadata } from "./mod.ts";
import { bytesSource, findWheelMetadata, readZipDirectory, readZipEntry } from "../zip/mod.ts";

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

Deno.test("readWheelMetadata() refuses a deflate bomb that declares its size, before inflating", async () => {
  const bomb = await buildMetadataBomb({ name: "bomb", version: "1.0", inflatedBytes: 300 << 20 });
  assert(bomb.bytes.length < 2 << 20, `the bomb should be small, is ${bomb.bytes.length} bytes`);
  const error = await assertRejects(
    () => readWheelMetadata(bytesSource(bomb.bytes), bomb.filename),
    DistributionError,
  ) as DistributionError;
  assertEquals(error.exitCode, 1);
  assertStringIncludes(error.message, "bomb-1.0-py3-none-any.whl: zip entry");
  assertStringIncludes(error.message, "larger than 8 MiB (declared 300 MiB)");
});

Deno.test("readWheelMetadata() stops inflating a bomb that lies about its size, in bounded memory", async () => {
  const bomb = await buildMetadataBomb({
    name: "liar",
    version: "1.0",
    inflatedBytes: 400 << 20,
    declaredSize: 4 << 20,
  });
  const before = Deno.memoryUsage().rss;
  const error = await assertRejects(
    () => readWheelMetadata(bytesSource(bomb.bytes), bomb.filename),
    DistributionError,
    "inflates past that",
  );
  const grown = Deno.memoryUsage().rss - before;
  assert(grown < 100 << 20, `reading the bomb grew RSS by ${grown >> 20} MiB`);
  assertStringIncludes(error.message, "liar-1.0-py3-none-any.whl");
  // A declared size smaller than the compressed data is refused before inflating.
  const tiny = await buildMetadataBomb({
    name: "liar",
    version: "1.0",
    inflatedBytes: 50 << 20,
    declaredSize: 1000,
  });
  await assertRejects(
    () => readWheelMetadata(bytesSource(tiny.bytes), tiny.filename),
    DistributionError,
    "compressed size too large",
  );
});

Deno.test("a corrupt archive is a distribution error (exit 1), not a usage error", async () => {
  const wheel = buildWheel({ name: "demo", version: "1.0" });
  const truncated = wheel.bytes.slice(0, wheel.bytes.length - 30);
  const cut = await assertRejects(
    () => readWheelMetadata(bytesSource(truncated), wheel.filename),
    DistributionError,
  ) as DistributionError;
  assertEquals([cut.exitCode, cut.code], [1, "bad_distribution"]);
  assertStringIncludes(cut.message, "demo-1.0-py3-none-any.whl: not a zip archive");
  // A METADATA entry whose size field lies (stored entry, size doubled) is caught too.
  const entries = await readZipDirectory(bytesSource(wheel.bytes));
  const entry = findWheelMetadata(entries)!;
  await assertRejects(
    () => readZipEntry(bytesSource(wheel.bytes), { ...entry, size: entry.size * 2 }),
    DistributionError,
    "declares",
  );
  await assertRejects(
    () => readZipEntry(bytesSource(wheel.bytes), entry, { maxBytes: 10 }),
    DistributionError,
    "larger than 10 bytes",
  );
});

Deno.test("metadataHeader() keeps the fields and drops the description", () => {
  assertEquals(metadataHeader(TEXT), TEXT.slice(0, TEXT.indexOf("\n\n") + 1));
  assertEquals(parseCoreMetadata(metadataHeader(TEXT)), parseCoreMetadata(TEXT));
  assertEquals(
    metadataHeader("Name: a\r\nVersion: 1\r\n\r\nbody\r\n"),
    "Name: a\r\nVersion: 1\r\n",
  );
  assertEquals(metadataHeader("Name: a\nVersion: 1\n"), "Name: a\nVersion: 1\n");
});
