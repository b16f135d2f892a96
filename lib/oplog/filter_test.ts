import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { UsageError } from "../errors/mod.ts";
import { auditInstalls, filterOperations, parseSince } from "./filter.ts";
import type { OperationEntry } from "./entry.ts";

const NOW = Date.parse("2026-11-30T12:00:00Z");

Deno.test("--since takes durations and dates", () => {
  assertEquals(parseSince("7d", NOW), NOW - 7 * 86_400_000);
  assertEquals(parseSince("30m", NOW), NOW - 30 * 60_000);
  assertEquals(parseSince("2w", NOW), NOW - 14 * 86_400_000);
  assertEquals(parseSince("2026-11-01", NOW), Date.parse("2026-11-01T00:00:00Z"));
  assertEquals(parseSince("2026-11-01T10:00:00Z", NOW), Date.parse("2026-11-01T10:00:00Z"));
  for (const bad of ["", "7 days", "yesterday", "-1d", "2026-13-45"]) {
    assertThrows(() => parseSince(bad, NOW), UsageError, "neither a date nor a duration");
  }
});

function op(time: string, env: string, exit: number, changes: OperationEntry["changes"] = []) {
  return {
    time,
    command: "install",
    command_line: `gestvenv install x --env ${env}`,
    environments: [env],
    changes,
    duration_ms: 1,
    exit_code: exit,
    error: exit === 0 ? null : { code: "package_not_found", message: "nope" },
    version: "0.1.0",
  };
}

Deno.test("filters combine, --last applies after the others", () => {
  const ops = [
    op("2026-11-01T00:00:00Z", "a", 0),
    op("2026-11-10T00:00:00Z", "b", 4),
    op("2026-11-20T00:00:00Z", "a", 0),
    op("2026-11-29T00:00:00Z", "a", 1),
  ];
  const times = (xs: OperationEntry[]) => xs.map((x) => x.time.slice(5, 10));
  assertEquals(times(filterOperations(ops, {})), ["11-01", "11-10", "11-20", "11-29"]);
  assertEquals(times(filterOperations(ops, { environment: "a", last: 2 })), ["11-20", "11-29"]);
  assertEquals(times(filterOperations(ops, { level: "error" })), ["11-10", "11-29"]);
  assertEquals(
    times(filterOperations(ops, { since: Date.parse("2026-11-15T00:00:00Z") })),
    ["11-20", "11-29"],
  );
  assertEquals(filterOperations(ops, { last: 0 }), []);
  assertEquals(filterOperations(ops, { environment: "__proto__" }), []);
});

Deno.test("audit lists additions and upgrades of successful operations only", () => {
  const ops = [
    op("2026-11-01T00:00:00Z", "a", 0, [
      { environment: "a", name: "x", before: null, after: "1.0", sha256: "ab", index: "http://i" },
      { environment: "a", name: "y", before: "1.0", after: null },
    ]),
    op("2026-11-02T00:00:00Z", "a", 4, [{ environment: "a", name: "z", before: null, after: "1" }]),
    op("2026-11-03T00:00:00Z", "b", 0, [{
      environment: "b",
      name: "x",
      before: "1.0",
      after: "2.0",
    }]),
  ];
  assertEquals(
    auditInstalls(ops).map((
      i,
    ) => [i.environment, i.name, i.version, i.replaced, i.sha256, i.index]),
    [["a", "x", "1.0", null, "ab", "http://i"], ["b", "x", "2.0", "1.0", null, null]],
  );
  assertEquals(auditInstalls(ops, "b").length, 1);
});
