import { assertEquals } from "../../tests/helpers/assert.ts";
import type { IndexFile } from "../index/mod.ts";
import { buildPylock, formatPylock, parsePylock } from "./mod.ts";

function indexFile(filename: string, extra: Partial<IndexFile> = {}): IndexFile {
  return {
    filename,
    url: `https://alice:tok@files.example/${filename}`,
    sha256: "c".repeat(64),
    requiresPython: null,
    yanked: null,
    coreMetadata: false,
    size: 10,
    uploadTime: "2024-01-02T03:04:05.123456Z",
    ...extra,
  };
}

Deno.test("buildPylock() locks only wheels and the sdist of that name and version, readable back", () => {
  const lock = buildPylock([{
    name: "Demo_Pkg",
    version: "1.0",
    index: "https://alice:tok@pypi.example/simple",
    files: [
      indexFile("demo_pkg-1.0-py3-none-any.whl"),
      indexFile("demo_pkg-1.0-py2.7.egg"),
      indexFile("demo_pkg-1.0.win32.exe"),
      indexFile("other-1.0-py3-none-any.whl"),
      indexFile("demo_pkg-2.0-py3-none-any.whl"),
      indexFile("demo-pkg-1.0.tar.gz", { uploadTime: "not a date\n[[packages]]" }),
    ],
    requiresPython: ">=3.8",
    dependencies: [],
  }], { createdBy: "gestvenv test", requirements: ["demo-pkg"], python: "3.11.7" });
  const p = lock.packages[0]!;
  assertEquals(p.wheels.map((w) => w.name), ["demo_pkg-1.0-py3-none-any.whl"]);
  assertEquals(p.sdist?.name, "demo-pkg-1.0.tar.gz");
  assertEquals(p.sdist?.uploadTime, undefined, "an upload time that is not RFC 3339 is dropped");
  const text = formatPylock(lock);
  assertEquals(text.includes("tok"), false, "no credentials written");
  // Read back identically, except that TOML date-times come back with millisecond precision.
  assertEquals(
    formatPylock(parsePylock(text, "/l/pylock.toml")),
    text.replaceAll(".123456Z", ".123Z"),
  );
});
