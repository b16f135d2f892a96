import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { appendOperation, operationsLogPath, readOperations } from "./log_file.ts";
import type { OperationEntry } from "./entry.ts";
import { parseOperationLine } from "./entry.ts";

function entry(n: number): OperationEntry {
  return {
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    command: "create",
    command_line: `gestvenv create env${n}`,
    environments: [`env${n}`],
    changes: [],
    duration_ms: n,
    exit_code: 0,
    error: null,
    version: "0.1.0",
  };
}

Deno.test("the log rotates by size and keeps a few files; readers see them oldest first", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const size = new TextEncoder().encode(JSON.stringify(entry(10)) + "\n").length;
    // Two lines a file: the third rotates.
    for (let n = 10; n < 20; n++) {
      await appendOperation(dir, entry(n), { maxBytes: size * 2, keep: 2 });
    }
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assertEquals(names, [
      "operations.1.jsonl",
      "operations.2.jsonl",
      "operations.jsonl",
      "operations.lock",
    ]);
    const lines = async (p: string) => (await Deno.readTextFile(p)).trimEnd().split("\n").length;
    assertEquals(await lines(operationsLogPath(dir)), 2);
    assertEquals(await lines(join(dir, "operations.1.jsonl")), 2);
    const { entries, skipped } = await readOperations(dir, 2);
    assertEquals(skipped, 0);
    assertEquals(entries.map((e) => e.duration_ms), [14, 15, 16, 17, 18, 19]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("concurrent appends never interleave lines", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Promise.all(
      Array.from({ length: 40 }, (_, n) => appendOperation(dir, entry(n), { maxBytes: 1e9 })),
    );
    const { entries, skipped } = await readOperations(dir);
    assertEquals(skipped, 0);
    assertEquals(entries.map((e) => e.duration_ms).sort((a, b) => a - b), [
      ...Array(40).keys(),
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lines that are not whole entries are rejected", () => {
  assert(parseOperationLine(JSON.stringify(entry(1))) !== undefined);
  for (
    const bad of [
      "",
      "{",
      "null",
      "[]",
      '"text"',
      JSON.stringify({ ...entry(1), time: "yesterday" }),
      JSON.stringify({ ...entry(1), exit_code: "0" }),
      JSON.stringify(entry(1)).slice(0, 40),
    ]
  ) {
    assertEquals(parseOperationLine(bad), undefined, bad);
  }
  // Hostile member types are dropped, not trusted.
  const odd = parseOperationLine(
    JSON.stringify({ ...entry(1), environments: ["a", 3], changes: [null, { name: 1 }] }),
  );
  assertEquals(odd?.environments, ["a"]);
  assertEquals(odd?.changes, []);
});

Deno.test("a missing log reads as empty", async () => {
  assertEquals(await readOperations("/nonexistent/gestvenv/logs"), { entries: [], skipped: 0 });
});
