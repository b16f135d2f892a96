/**
 * The dashboard page's pure functions, without a browser: the order of version columns, the Clean
 * form's day count, and the one-line summary of a finished action for each kind of job.
 *
 * @module
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { parseDays } from "../../dashboard/src/inputs.ts";
import { compareValues, compareVersions } from "../../dashboard/src/sort.ts";
import { jobSummary } from "../../dashboard/src/summary.ts";

const sorted = (values: string[]) => [...values].sort(compareVersions);

Deno.test("compareVersions: numbers compare as numbers (3.9 < 3.10, 9.0 < 10.0)", () => {
  assertEquals(sorted(["3.10.2", "3.9.18", "3.13.0", "3.6.15", "2.7.18"]), [
    "2.7.18",
    "3.6.15",
    "3.9.18",
    "3.10.2",
    "3.13.0",
  ]);
  assertEquals(sorted(["10.0", "9.0", "9.10", "9.2"]), ["9.0", "9.2", "9.10", "10.0"]);
  assertEquals(compareVersions("1.02", "1.2"), 0);
  assertEquals(compareVersions("1.0", "1.0.0"), 0, "PEP 440: trailing zeros do not count");
  assert(compareVersions("not a version", "—") !== 0, "other texts still have an order");
  // Digits longer than a double's precision still compare exactly.
  assert(compareVersions("1.20000000000000000001", "1.20000000000000000002") < 0);
});

Deno.test("compareVersions: pre-releases and dev releases before the release, post after", () => {
  assertEquals(sorted(["1.0.post1", "1.0", "1.0rc1", "1.0.1", "1.0.dev0"]), [
    "1.0.dev0",
    "1.0rc1",
    "1.0",
    "1.0.post1",
    "1.0.1",
  ]);
  assert(compareVersions("2.0a1", "2.0") < 0);
  assert(compareVersions("2.0", "2.0b2") > 0);
  assert(compareVersions("1.0A1", "1.0a1") === 0, "case-insensitive");
});

Deno.test("compareValues: nulls last, numbers as numbers, versions only when asked", () => {
  assertEquals(compareValues(null, "1.0", true) > 0, true);
  assertEquals(compareValues("1.0", null, true) < 0, true);
  assertEquals(compareValues(2, 10) < 0, true);
  assert(compareValues("3.9", "3.10", true) < 0, "a version column");
  assert(compareValues("3.9", "3.10") > 0, "a text column keeps the text order");
});

Deno.test("parseDays: whole numbers from 1; blank, 0, negative, fractions and words refused", () => {
  assertEquals(parseDays("30"), 30);
  assertEquals(parseDays(" 1 "), 1);
  assertEquals(parseDays("100000"), 100_000);
  for (const bad of ["", "  ", "0", "-3", "1.5", "1e3", "abc", "100001", "99999999999999999999"]) {
    assertEquals(parseDays(bad), null, `parseDays(${JSON.stringify(bad)})`);
  }
});

Deno.test("jobSummary: install, uninstall and update say what changed", () => {
  const changes = [
    { name: "demo-pkg", before: null, after: "1.1.0" },
    { name: "demo-dep", before: "1.0.0", after: "1.1.0" },
    { name: "old", before: "2.0", after: null },
  ];
  assertEquals(
    jobSummary("install", { data: { changes } }),
    "installed demo-pkg 1.1.0, demo-dep 1.0.0 → 1.1.0, removed old 2.0.",
  );
  assertEquals(jobSummary("update", { data: { changes: [] } }), "Nothing changed.");
  assertEquals(jobSummary("uninstall", { data: {} }), null);
  assertEquals(jobSummary("install", null), null);
  assertEquals(jobSummary("install", { data: "text" }), null);
});

Deno.test("jobSummary: cache clean says files, bytes, and the size before and after", () => {
  assertEquals(
    jobSummary("cache-clean", {
      data: {
        removed_files: 3,
        removed_bytes: 3072,
        size_before: 10240,
        size_after: 7168,
        kept_for_environments: { artifacts: 2, bytes: 2048 },
        busy: 0,
        entries: [],
      },
    }),
    "Removed 3 files (3.0 KiB). The cache went from 10 KiB to 7.0 KiB. " +
      "Kept 2 artifacts (2.0 KiB) that environments' locks name.",
  );
  assertEquals(
    jobSummary("cache-clean", {
      data: { removed_files: 0, removed_bytes: 0, size_before: 5, size_after: 5, busy: 1 },
    }),
    "Nothing to remove. The cache went from 5 B to 5 B. 1 entry in use were left.",
  );
});

Deno.test("jobSummary: delete, doctor --fix, sync and create", () => {
  assertEquals(
    jobSummary("delete", { data: { name: "gamma", size_bytes: 1048576 } }),
    "Deleted gamma (1.0 MiB freed).",
  );
  assertEquals(
    jobSummary("doctor-fix", {
      data: {
        checks: [],
        fixes: [{ subject: "web", id: "packages", action: "reinstalled demo-pkg" }],
      },
    }),
    "Applied 1 fix: web: reinstalled demo-pkg.",
  );
  assertEquals(jobSummary("doctor-fix", { data: { fixes: [] } }), "Nothing to fix.");
  assertEquals(
    jobSummary("sync", {
      data: {
        install: [
          { name: "a", version: "2.0", replaces: "1.0" },
          { name: "b", version: "1.0", replaces: null },
        ],
        remove: [{ name: "c", version: "3.0" }],
        unchanged: ["d"],
      },
    }),
    "a 1.0 → 2.0, installed b 1.0, removed c 3.0 (1 unchanged).",
  );
  assertEquals(
    jobSummary("sync", { data: { install: [], remove: [], unchanged: [] } }),
    "Already in sync with the lock.",
  );
  assertEquals(
    jobSummary("create", {
      data: { name: "web", python: { version: "3.11.7" }, packages: [{}, {}] },
    }),
    "Created web with Python 3.11.7, 2 packages.",
  );
});
