import { assertEquals, assertRejects, assertStringIncludes } from "../../tests/helpers/assert.ts";
import { buildZip } from "../../tests/helpers/hostile_wheel.ts";
import { DistributionError } from "../errors/mod.ts";
import { join } from "../paths/mod.ts";
import {
  bytesSource,
  checkArchiveEntries,
  crc32,
  entryNameProblem,
  fileSource,
  inflateZipEntry,
  isExecutableEntry,
  type RangeSource,
  readZipDirectory,
  readZipEntry,
  type ZipEntry,
} from "./mod.ts";

async function inflate(source: RangeSource, entry: ZipEntry): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of inflateZipEntry(source, entry)) chunks.push(chunk.slice());
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("crc32() matches the standard check value, in one piece or in chunks", () => {
  const data = text("123456789");
  assertEquals(crc32(data), 0xcbf43926);
  assertEquals(crc32(data.subarray(5), crc32(data.subarray(0, 5))), 0xcbf43926);
  assertEquals(crc32(new Uint8Array()), 0);
});

Deno.test("entryNameProblem() refuses names that could leave the target directory", () => {
  for (
    const [name, problem] of [
      ["pkg/mod.py", null],
      ["pkg/", null],
      ["../x", "traversal"],
      ["a/../../x", "traversal"],
      ["/etc/passwd", "absolute"],
      ["C:/x", "absolute"],
      ["\\\\server\\x", "absolute"],
      ["a\\..\\x", "backslash"],
      ["a//b", "empty"],
      ["./a", "empty or `.`"],
      ["a\u0000b", "control"],
      ["", "empty name"],
    ] as const
  ) {
    const got = entryNameProblem(name);
    if (problem === null) assertEquals(got, null, name);
    else assertStringIncludes(got ?? "", problem, name);
  }
});

Deno.test("inflateZipEntry() streams stored and deflated entries, checking CRC-32 and sizes", async () => {
  const big = new Uint8Array(300_000).map((_, i) => (i * 31) % 251);
  const bytes = buildZip([
    { name: "a.txt", data: "hello\n".repeat(1000) },
    { name: "b.bin", data: big, deflate: false },
    { name: "run.sh", data: "#!/bin/sh\n", mode: 0o100755 },
  ]);
  const source = bytesSource(bytes, "demo.whl");
  const entries = await readZipDirectory(source);
  checkArchiveEntries(entries, "demo.whl", bytes.length);
  assertEquals(
    new TextDecoder().decode(await inflate(source, entries[0]!)),
    "hello\n".repeat(1000),
  );
  assertEquals(await inflate(source, entries[1]!), big);
  assertEquals(entries.map(isExecutableEntry), [false, false, true]);
  // The one-shot reader checks the CRC too.
  assertEquals((await readZipEntry(source, entries[2]!)).length, 10);
});

Deno.test("inflateZipEntry() rejects lies: CRC, declared size, local header", async () => {
  const cases: [string, Parameters<typeof buildZip>[0][number], string][] = [
    ["crc", { name: "a", data: "abc", crc: 1 }, "CRC-32"],
    ["crc stored", { name: "a", data: "abc", crc: 1, deflate: false }, "CRC-32"],
    ["size", { name: "a", data: "abc".repeat(100), declaredSize: 10 }, "inflates past"],
    ["short", { name: "a", data: "abc", declaredSize: 30 }, "inflates to 3 bytes"],
    ["local name", { name: "a", data: "abc", localName: "b" }, "local header names"],
  ];
  for (const [label, entry, message] of cases) {
    const source = bytesSource(buildZip([entry]), "x.whl");
    const [e] = await readZipDirectory(source);
    await assertRejects(() => inflate(source, e!), DistributionError, message);
    void label;
  }
  // A central directory that disagrees with the local header on sizes.
  const source = bytesSource(buildZip([{ name: "a", data: "abc" }]));
  const [e] = await readZipDirectory(source);
  await assertRejects(
    () => inflate(source, { ...e!, compressedSize: e!.compressedSize + 1 }),
    DistributionError,
    "disagree",
  );
});

Deno.test("checkArchiveEntries() refuses unsafe, duplicate, special, bomb-like entries", () => {
  const entry = (over: Partial<ZipEntry>): ZipEntry => ({
    name: "a.py",
    method: 8,
    compressedSize: 10,
    size: 20,
    localHeaderOffset: 0,
    ...over,
  });
  const cases: [ZipEntry[], string][] = [
    [[entry({ name: "../a" })], "traversal"],
    [[entry({ unixMode: 0o120777 })], "symlink"],
    [[entry({ unixMode: 0o020644 })], "special file"],
    [[entry({}), entry({})], "duplicate"],
    [[entry({ flags: 1 })], "encryption"],
    [[entry({ method: 14 })], "method 14"],
    [[entry({ size: 1 << 30, compressedSize: 1 << 20 })], "zip bomb"],
    [[entry({ size: 10, compressedSize: 5000 })], "larger than deflate"],
    [[entry({ localHeaderOffset: 1 << 30 })], "past the end"],
  ];
  for (const [entries, message] of cases) {
    try {
      checkArchiveEntries(entries, "x-1.0-py3-none-any.whl", 1 << 30);
      throw new Error(`accepted: ${message}`);
    } catch (error) {
      if (!(error instanceof DistributionError)) throw error;
      assertStringIncludes(error.message, "x-1.0-py3-none-any.whl: entry");
      assertStringIncludes(error.message, message);
      assertEquals(error.exitCode, 1);
    }
  }
});

Deno.test("zip64 archives (Python's zipfile with every zip64 record forced) are read", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "z64.zip");
    const script = [
      "import sys, zipfile",
      "zipfile.ZIP64_LIMIT = 0",
      "zipfile.ZIP_FILECOUNT_LIMIT = 0",
      "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:",
      "    z.writestr('a/hello.txt', 'hello zip64\\n' * 100)",
      "    z.writestr(zipfile.ZipInfo('b/stored.bin'), b'\\x00\\x01' * 50)",
    ].join("\n");
    const out = await new Deno.Command("python3", { args: ["-c", script, path] }).output();
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
    const bytes = await Deno.readFile(path);
    // The zip64 end-of-central-directory record (PK 6 6) is there.
    const eocd64 = bytes.findIndex((b, i) =>
      b === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 6 && bytes[i + 3] === 6
    );
    assertEquals(eocd64 > 0, true);
    using file = await Deno.open(path);
    const source = await fileSource(file, "z64.zip");
    const entries = await readZipDirectory(source);
    assertEquals(entries.map((e) => [e.name, e.size]), [["a/hello.txt", 1200], [
      "b/stored.bin",
      100,
    ]]);
    assertEquals(
      new TextDecoder().decode(await inflate(source, entries[0]!)),
      "hello zip64\n".repeat(100),
    );
    assertEquals((await inflate(source, entries[1]!)).length, 100);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a truncated archive is a distribution error naming it (exit 1)", async () => {
  const bytes = buildZip([{ name: "a", data: "abc" }]);
  const error = await assertRejects(
    () => readZipDirectory(bytesSource(bytes.subarray(0, bytes.length - 10), "cut.whl")),
    DistributionError,
    "cut.whl: not a zip archive",
  ) as DistributionError;
  assertEquals([error.exitCode, error.source], [1, "cut.whl"]);
});
