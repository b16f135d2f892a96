import { assertEquals } from "../../tests/helpers/assert.ts";
import type { OperationEntry } from "../oplog/mod.ts";
import {
  cacheFigures,
  commandStats,
  dailyTrend,
  median,
  percentile,
  topPackages,
  withoutFuture,
} from "./operation_stats.ts";

const entry = (command: string, duration: number, extra: Partial<OperationEntry> = {}) => ({
  time: "2026-11-01T00:00:00.000Z",
  command,
  command_line: `gestvenv ${command}`,
  environments: [],
  changes: [],
  duration_ms: duration,
  exit_code: 0,
  error: null,
  version: "0.1.0",
  ...extra,
});

Deno.test("median and nearest-rank percentiles", () => {
  assertEquals(median([]), 0);
  assertEquals(median([5]), 5);
  assertEquals(median([4, 1, 3, 2]), 2.5);
  assertEquals(percentile([], 90), 0);
  assertEquals(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
  assertEquals(percentile([10, 1], 90), 10);
  assertEquals(percentile([7], 0), 7);
});

Deno.test("cache figures are unknown, not zero, when no line recorded them", () => {
  const old = [entry("install", 10), entry("create", 5)];
  assertEquals(cacheFigures(old), {
    measured_operations: 0,
    unmeasured_operations: 2,
    hits: 0,
    misses: 0,
    hit_rate: null,
    bytes_downloaded: null,
    bytes_saved: null,
  });
  const mixed = [
    ...old,
    entry("install", 20, {
      cache: { hits: 1, misses: 3, bytes_saved: 100 },
      bytes_downloaded: 300,
    }),
  ];
  assertEquals(cacheFigures(mixed).hit_rate, 0.25);
  assertEquals(cacheFigures(mixed).bytes_downloaded, 300);
  assertEquals(cacheFigures(mixed).unmeasured_operations, 2);
});

Deno.test("commands are sorted by count, then name; `constructor` is just a name", () => {
  const stats = commandStats([
    entry("constructor", 1),
    entry("install", 30, { exit_code: 4 }),
    entry("install", 10),
    entry("__proto__", 2),
  ]);
  assertEquals(stats.map((s) => [s.command, s.count, s.failures, s.median_ms]), [
    ["install", 2, 1, 20],
    ["__proto__", 1, 0, 2],
    ["constructor", 1, 0, 1],
  ]);
});

Deno.test("a full log (four files of 5 MiB, ~80,000 lines) is summarized whole", () => {
  const entries = Array.from(
    { length: 80_000 },
    (_, i) =>
      entry(i % 3 === 0 ? "create" : "install", i % 1000, {
        time: new Date(Date.UTC(2026, 10, 1) + i * 30_000).toISOString(),
      }),
  );
  const stats = commandStats(entries);
  assertEquals(stats.map((s) => [s.command, s.count]), [["install", 53_333], ["create", 26_667]]);
  const days = dailyTrend(entries);
  assertEquals(days.length, 28);
  assertEquals(days.reduce((n, d) => n + d.operations, 0), 80_000);
});

Deno.test("lines dated over a day ahead are left out; a clock slightly ahead counts as now", () => {
  const now = Date.parse("2026-11-30T23:00:00.000Z");
  const at = (time: string) => entry("install", 10, { time });
  const { entries, future } = withoutFuture([
    at("2026-11-30T10:00:00.000Z"),
    at("2026-12-01T02:00:00.000Z"), // 3 h ahead
    at("+275760-09-13T00:00:00.000Z"),
  ], now);
  assertEquals(future, 1);
  assertEquals(dailyTrend(entries, now).map((d) => [d.day, d.operations]), [["2026-11-30", 2]]);
});

Deno.test("topPackages counts installs, never removals", () => {
  const change = (name: string, after: string | null) => ({
    environment: "a",
    name,
    before: "1.0",
    after,
  });
  assertEquals(
    topPackages([entry("install", 1, { changes: [change("x", "2.0"), change("y", null)] })], 5),
    [{ name: "x", installs: 1, environments: 1 }],
  );
});

Deno.test("the daily trend carries each day's cache hit rate (unknown on days that did not record it)", () => {
  const cache = (hits: number, misses: number) => ({ hits, misses, bytes_saved: 0 });
  const days = dailyTrend([
    entry("install", 10, { time: "2026-11-01T10:00:00.000Z", cache: cache(1, 3) }),
    entry("install", 10, { time: "2026-11-01T11:00:00.000Z", cache: cache(2, 0) }),
    entry("create", 10, { time: "2026-11-02T10:00:00.000Z" }),
  ], Date.parse("2026-11-03T00:00:00.000Z"));
  assertEquals(
    days.map((d) => [d.day, d.cache_hits, d.cache_misses, d.cache_hit_rate]),
    [["2026-11-01", 3, 3, 0.5], ["2026-11-02", 0, 0, null]],
  );
});
