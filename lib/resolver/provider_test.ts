import { assertEquals } from "../../tests/helpers/assert.ts";
import vectors from "../../tests/data/pep425_vectors.json" with { type: "json" };
import pep508 from "../../tests/data/pep508_vectors.json" with { type: "json" };
import { tryParseWheelFilename } from "../dist_filename/mod.ts";
import { fileEntry, type IndexFile } from "../index/mod.ts";
import { supportedTags } from "../pep425/mod.ts";
import { parseVersion } from "../pep440/mod.ts";
import { type InterpreterInfo, tagInput } from "../python/mod.ts";
import { buildCandidates, filesOfVersion, type Target } from "./provider.ts";
import { VersionSet } from "./version_set.ts";

const INFO = { ...vectors.linux_cp311.info, version: "3.11.7" } as unknown as InterpreterInfo;
const TARGET: Target = {
  markers: pep508.environments.linux311 as unknown as Target["markers"],
  pythonVersion: parseVersion("3.11.7"),
  tags: supportedTags(tagInput(INFO)),
};

function file(filename: string, extra: Partial<IndexFile> = {}): IndexFile {
  return {
    filename,
    url: `https://files.example/${filename}`,
    sha256: null,
    requiresPython: null,
    yanked: null,
    coreMetadata: false,
    size: null,
    uploadTime: null,
    ...extra,
  };
}

Deno.test("VersionSet.highest() and lowest() list members from either end, up to a limit", () => {
  const set = VersionSet.of(100, [0, 5, 31, 32, 63, 64, 99]);
  assertEquals(set.highest(3), [99, 64, 63]);
  assertEquals(set.lowest(4), [0, 5, 31, 32]);
  assertEquals(set.highest(Infinity), [...set.indices()].reverse());
  assertEquals(VersionSet.empty(40).highest(5), []);
});

Deno.test("buildCandidates() reads wheel names as tryParseWheelFilename does (build tags, junk)", () => {
  const names = [
    "demo-1.0-py3-none-any.whl",
    "demo-1.0-1-py3-none-any.whl",
    "demo-1.0-2b-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "demo-2.0-x1-py3-none-any.whl",
    "demo-2.0-py3-none.whl",
    "demo-2.0-a-b-py3-none-any.whl",
    "demo.whl",
    "demo-3.0-not.a.version-py3-none-any.whl",
    "demo-4.0.tar.gz",
  ];
  const candidates = buildCandidates(
    "demo",
    names.map((n) => fileEntry(file(n))),
    TARGET,
    false,
    false,
  );
  const wheelVersions = new Set(
    names.map((n) => tryParseWheelFilename(n)?.version.text).filter((v) => v !== undefined),
  );
  assertEquals(candidates.map((c) => c.version.text), [...wheelVersions, "4.0"]);
  // The best wheel of 1.0 is the platform one (a better tag rank than py3-none-any).
  assertEquals(
    candidates[0]!.best!.filename,
    "demo-1.0-2b-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
  );
  assertEquals(
    filesOfVersion("demo", names.map((n) => fileEntry(file(n))), parseVersion("1.0")).length,
    3,
  );
});
