import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { MAX_OPERATION_MS, parseOperationLine } from "./entry.ts";

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({
    time: "2026-11-05T10:00:00.000Z",
    command: "install",
    command_line: "gestvenv install",
    duration_ms: 10,
    exit_code: 0,
    ...fields,
  });

Deno.test("parseOperationLine refuses absurd durations and exit codes", () => {
  assert(parseOperationLine(line({})) !== undefined);
  assert(parseOperationLine(line({ duration_ms: MAX_OPERATION_MS })) !== undefined);
  for (const duration_ms of [-5, 1e308, MAX_OPERATION_MS + 1]) {
    assertEquals(parseOperationLine(line({ duration_ms })), undefined, String(duration_ms));
  }
  for (const exit_code of [-1, 1.5, 256, 1e308]) {
    assertEquals(parseOperationLine(line({ exit_code })), undefined, String(exit_code));
  }
  assertEquals(parseOperationLine(line({ exit_code: 130 }))?.exit_code, 130);
});

Deno.test("parseOperationLine drops absurd figures and reads a change without after as a removal", () => {
  const e = parseOperationLine(line({
    cache: { hits: 1.5, misses: 2, bytes_saved: 1 },
    bytes_downloaded: 1e308,
    index_requests: 3,
    phases_ms: { resolve: 1e308, link: 2.5, __proto__: 1 },
    changes: [
      { environment: "a", name: "gone", before: "1.0" },
      { environment: "a", name: "odd", before: 3, after: { v: 1 } },
      { environment: "a", name: "new", before: null, after: "2.0" },
    ],
  }))!;
  assertEquals(e.cache, undefined, "a fractional hit count is not a count");
  assertEquals(e.bytes_downloaded, undefined);
  assertEquals(e.index_requests, 3);
  assertEquals(e.phases_ms, { link: 2.5 });
  assertEquals(e.changes.map((c) => [c.name, c.before, c.after]), [
    ["gone", "1.0", null],
    ["odd", null, null],
    ["new", null, "2.0"],
  ]);
});
