import { assert, assertEquals, assertRejects, assertThrows } from "../../tests/helpers/assert.ts";
import { buildZip } from "../../tests/helpers/hostile_wheel.ts";
import { serveOsv } from "../../tests/helpers/osv_server.ts";
import { NetworkError, OperationError } from "../errors/mod.ts";
import { HttpClient, writeEntry } from "../index/mod.ts";
import { join } from "../paths/mod.ts";
import {
  atLeast,
  auditDbPath,
  auditDistributions,
  cvss3BaseScore,
  findingsFor,
  installAuditDbFile,
  matchRecord,
  openAuditDb,
  type OsvRecord,
  parseOsvRecord,
  planFixes,
  queryOsv,
  readAuditDbFile,
  severityOfScore,
  updateAuditDb,
} from "./mod.ts";

/** An OSV record for PyPI `name`. */
function record(
  id: string,
  name: string,
  fields: {
    ranges?: Array<Array<Record<string, string>>>;
    versions?: string[];
    aliases?: string[];
    severity?: Array<{ type: string; score: string }>;
    withdrawn?: string;
    db?: string;
    summary?: string;
  } = {},
): OsvRecord {
  return parseOsvRecord({
    id,
    modified: "2024-05-01T00:00:00Z",
    aliases: fields.aliases ?? [],
    summary: fields.summary ?? `${id} summary`,
    ...(fields.withdrawn === undefined ? {} : { withdrawn: fields.withdrawn }),
    ...(fields.severity === undefined ? {} : { severity: fields.severity }),
    ...(fields.db === undefined ? {} : { database_specific: { severity: fields.db } }),
    affected: [{
      package: { ecosystem: "PyPI", name },
      ranges: (fields.ranges ?? []).map((events) => ({ type: "ECOSYSTEM", events })),
      versions: fields.versions ?? [],
    }],
  }, id);
}

Deno.test("CVSS v3 base scores match FIRST's calculator, and ratings follow §5", () => {
  const cases: Array<[string, number | null]> = [
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1],
    ["CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9],
    ["CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10],
    ["CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4],
    ["CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0],
    // requests' CVE-2018-18074 (NVD: 9.8) and urllib3's CVE-2019-11324 (NVD: 7.5).
    ["CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5],
    // Not v3 base vectors.
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", null],
    ["AV:N/AC:L/Au:N/C:P/I:P/A:P", null],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", null],
    ["CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", null],
  ];
  for (const [vector, score] of cases) assertEquals(cvss3BaseScore(vector), score, vector);
  assertEquals(
    [0, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(severityOfScore),
    ["LOW", "LOW", "MEDIUM", "MEDIUM", "HIGH", "HIGH", "CRITICAL", "CRITICAL"],
  );
  assert(atLeast("UNKNOWN", "CRITICAL"), "an unrated finding is never hidden");
  assert(!atLeast("MEDIUM", "HIGH"));
  assert(atLeast("CRITICAL", "HIGH"));
});

Deno.test("ECOSYSTEM ranges: introduced 0, fixed, last_affected, several ranges, PEP 440 order", () => {
  const r = record("PYSEC-1", "Demo_Pkg", {
    ranges: [
      // Unsorted on purpose: events are sorted by PEP 440 order, not by position or text.
      [{ fixed: "1.10.0" }, { introduced: "0" }],
      [{ introduced: "2.0.0rc1" }, { last_affected: "2.3" }],
      [{ introduced: "3.0" }],
    ],
  });
  const cases: Array<[string, string[] | null]> = [
    ["0.1", ["1.10.0"]],
    ["1.9.9", ["1.10.0"]],
    ["1.10.0", null],
    ["1.10.0.post1", null],
    ["1.2.0", ["1.10.0"]], // 1.2 < 1.10 under PEP 440 (a text comparison would say otherwise)
    ["2.0.0b1", null],
    ["2.0.0rc1", []],
    ["2.3", []],
    ["2.3.0", []],
    ["2.3.1", null],
    ["3.0", []],
    ["99", []],
  ];
  for (const [version, fixed] of cases) {
    assertEquals(matchRecord(r, "demo-pkg", version)?.fixed ?? null, fixed, version);
  }
  // Another package, another ecosystem: no match.
  assertEquals(matchRecord(r, "demo-dep", "0.1"), null);
  const npm = parseOsvRecord({
    id: "X",
    affected: [{ package: { ecosystem: "npm", name: "demo-pkg" }, versions: ["0.1"] }],
  }, "X");
  assertEquals(matchRecord(npm, "demo-pkg", "0.1"), null);
});

Deno.test("explicit versions match by PEP 440 equality; GIT ranges are ignored; withdrawn never matches", () => {
  const listed = record("GHSA-aaaa", "lib", { versions: ["1.0", "1.1"] });
  assertEquals(matchRecord(listed, "LIB", "1.0.0")?.fixed, []);
  assertEquals(matchRecord(listed, "lib", "1.2"), null);
  const git = parseOsvRecord({
    id: "OSV-GIT",
    affected: [{
      package: { ecosystem: "PyPI", name: "lib" },
      ranges: [{ type: "GIT", repo: "x", events: [{ introduced: "0" }, { fixed: "abc123" }] }],
    }],
  }, "git");
  assertEquals(matchRecord(git, "lib", "1.0"), null);
  const withdrawn = record("PYSEC-W", "lib", {
    ranges: [[{ introduced: "0" }]],
    withdrawn: "2024-06-01T00:00:00Z",
  });
  assertEquals(matchRecord(withdrawn, "lib", "1.0"), null);
  assertEquals(findingsFor([{ name: "lib", version: "1.0" }], [withdrawn]), []);
});

Deno.test("aliases merge PYSEC, GHSA and CVE into one finding; severity from CVSS v3, else the database", () => {
  const pysec = record("PYSEC-2018-28", "requests", {
    ranges: [[{ introduced: "0" }, { fixed: "2.20.0" }]],
    aliases: ["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"],
  });
  const ghsa = record("GHSA-x84v-xcm2-53pg", "requests", {
    ranges: [[{ introduced: "0" }, { fixed: "2.20.0" }]],
    aliases: ["CVE-2018-18074"],
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
    summary: "Insufficiently Protected Credentials in Requests",
  });
  const other = record("GHSA-j8r2-6x86-q33q", "requests", {
    ranges: [[{ introduced: "2.3.0" }, { fixed: "2.31.0" }]],
    db: "MODERATE",
  });
  const v4 = record("GHSA-v4v4-v4v4-v4v4", "requests", {
    ranges: [[{ introduced: "0" }]],
    severity: [{
      type: "CVSS_V4",
      score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    }],
  });
  const findings = findingsFor([{ name: "Requests", version: "2.19.0" }], [
    pysec,
    ghsa,
    other,
    v4,
  ]);
  assertEquals(findings.map((f) => [f.id, f.aliases, f.severity, f.fixed_versions]), [
    ["PYSEC-2018-28", ["GHSA-x84v-xcm2-53pg", "CVE-2018-18074"], "CRITICAL", ["2.20.0"]],
    ["GHSA-j8r2-6x86-q33q", [], "MEDIUM", ["2.31.0"]],
    ["GHSA-v4v4-v4v4-v4v4", [], "UNKNOWN", []],
  ]);
  assertEquals(findings[0]!.cvss, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  assertEquals(findings[0]!.package, "Requests");
  assertEquals(findings[2]!.cvss?.startsWith("CVSS:4.0/"), true);
});

Deno.test("planFixes: the smallest version fixing every finding; no fix; a pin that excludes it", () => {
  const f = (pkg: string, version: string, id: string, fixed: string[]) => ({
    package: pkg,
    version,
    id,
    aliases: [],
    severity: "HIGH" as const,
    cvss: null,
    summary: "",
    fixed_versions: fixed,
  });
  const plan = planFixes([
    f("a", "1.0", "A-1", ["1.2", "2.0"]),
    f("a", "1.0", "A-2", ["1.5"]),
    f("b", "1.0", "B-1", []),
    f("c", "1.0", "C-1", ["1.1"]),
    f("d", "1.0", "D-1", ["1.1"]),
  ], ["c==1.0", "d>=1", "garbage ((("]);
  assertEquals(plan.targets, [
    { name: "a", from: "1.0", to: "1.5", fixes: ["A-1", "A-2"] },
    { name: "d", from: "1.0", to: "1.1", fixes: ["D-1"] },
  ]);
  assertEquals(plan.unfixable.map((u) => [u.name, u.ids, u.reason.split(";")[0]]), [
    ["b", ["B-1"], "no fixed version is published"],
    ["c", ["C-1"], "your requirement `c==1.0` excludes 1.1"],
  ]);
});

Deno.test("parseOsvRecord refuses what is not a record and drops malformed fields", () => {
  assertThrows(() => parseOsvRecord([], "x"), Error, "not an OSV record");
  assertThrows(() => parseOsvRecord({ id: 5 }, "x"), Error, "not an OSV record");
  const r = parseOsvRecord({
    id: "A",
    aliases: ["B", 7],
    severity: [{ type: "CVSS_V3" }, "x"],
    affected: [{ package: { ecosystem: "PyPI" } }, { package: { ecosystem: "PyPI", name: "n" } }],
  }, "x");
  assertEquals([r.aliases, r.severity, r.affected.length], [["B"], [], 1]);
});

const VULNS = [
  {
    id: "PYSEC-1",
    aliases: ["CVE-1"],
    modified: "2024-01-01T00:00:00Z",
    affected: [{
      package: { ecosystem: "PyPI", name: "demo-pkg" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.1.0" }] }],
    }],
  },
  {
    id: "GHSA-1",
    aliases: ["CVE-1"],
    modified: "2024-01-01T00:00:00Z",
    affected: [{ package: { ecosystem: "PyPI", name: "demo-pkg" }, versions: ["1.0.0"] }],
  },
];

Deno.test("queryOsv follows page tokens, fetches each id once, and reuses cached records", async () => {
  const dir = await Deno.makeTempDir();
  const records = Array.from({ length: 5 }, (_, i) => ({ ...VULNS[0], id: `PYSEC-${i}` }));
  const server = serveOsv(records, { pageSize: 2 });
  try {
    const options = { baseUrl: server.url, http: new HttpClient({ retries: 0 }), cacheDir: dir };
    const got = await queryOsv([{ name: "demo-pkg", version: "1.0.0" }], options);
    assertEquals(got.map((r) => r.id).sort(), records.map((r) => r.id));
    assertEquals(server.requests.filter((r) => r.startsWith("POST")).length, 3);
    assertEquals(server.requests.filter((r) => r.startsWith("GET")).length, 5);
    server.requests.length = 0;
    await queryOsv([{ name: "demo-pkg", version: "1.0.0" }], options);
    assertEquals(server.requests.filter((r) => r.startsWith("GET")), [], "cached records reused");
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("auditDistributions: exit-5 error with no source; the offline database when OSV is down", async () => {
  const dir = await Deno.makeTempDir();
  const server = serveOsv(VULNS, { mode: "error" });
  try {
    const http = new HttpClient({ retries: 0 });
    const options = { http, cacheDir: dir, osvUrl: server.url };
    await assertRejects(
      () => auditDistributions([{ name: "demo-pkg", version: "1.0.0" }], options),
      NetworkError,
      "no offline vulnerability database",
    );
    await assertRejects(
      () =>
        auditDistributions([{ name: "x", version: "1" }], {
          ...options,
          http: new HttpClient({ offline: true }),
        }),
      NetworkError,
      "--offline",
    );
    const zip = join(dir, "all.zip");
    await Deno.writeFile(
      zip,
      buildZip(VULNS.map((v) => ({ name: `${v.id}.json`, data: JSON.stringify(v) }))),
    );
    const info = await updateAuditDb({ cacheDir: dir, from: zip, http });
    assertEquals([info.records, info.packages, info.stale], [2, 1, false]);
    const report = await auditDistributions([{ name: "Demo_Pkg", version: "1.0.0" }], options);
    assertEquals(report.source, "db");
    assert(report.fallback_reason?.includes("OSV could not be reached"));
    assertEquals(report.findings.map((f) => [f.id, f.aliases]), [["PYSEC-1", ["GHSA-1", "CVE-1"]]]);
    server.setMode("ok");
    const online = await auditDistributions([{ name: "demo-pkg", version: "1.0.0" }], options);
    assertEquals([online.source, online.findings.length], ["osv", 1]);
    // A stale database says so.
    const later = new Date(Date.now() + 10 * 86_400_000);
    const old = await auditDistributions([{ name: "demo-pkg", version: "1.1.0" }], {
      ...options,
      source: "db",
      now: later,
    });
    assertEquals(old.findings, []);
    assert(old.notes[0]?.includes("10 days old"), old.notes.join("\n"));
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("audit db update refuses hostile or malformed archives and keeps the old database", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const http = new HttpClient({ offline: true });
    const good = join(dir, "good.zip");
    await Deno.writeFile(
      good,
      buildZip(VULNS.map((v) => ({ name: `${v.id}.json`, data: JSON.stringify(v) }))),
    );
    await updateAuditDb({ cacheDir: dir, from: good, http });
    const before = await Deno.readFile(auditDbPath(dir));
    const hostile: Array<[string, Uint8Array]> = [
      ["traversal", buildZip([{ name: "../evil.json", data: JSON.stringify(VULNS[0]) }])],
      ["not json", buildZip([{ name: "PYSEC-1.json", data: "{not json" }])],
      ["not a record", buildZip([{ name: "x.json", data: "[1, 2]" }])],
      ["not .json", buildZip([{ name: "run.sh", data: "#!/bin/sh" }])],
      ["symlink", buildZip([{ name: "l.json", data: "x", mode: 0o120777 }])],
      ["huge entry", buildZip([{ name: "big.json", data: new Uint8Array(5 * 1024 * 1024) }])],
      ["a lying size", buildZip([{ name: "a.json", data: "{}", declaredSize: 1 }])],
      ["not a zip", new TextEncoder().encode("just text")],
      ["empty", buildZip([])],
    ];
    for (const [what, bytes] of hostile) {
      const path = join(dir, "bad.zip");
      await Deno.writeFile(path, bytes);
      await assertRejects(
        () => updateAuditDb({ cacheDir: dir, from: path, http }),
        OperationError,
        "refused as a vulnerability database",
      ).catch((error) => {
        throw new Error(`${what}: ${error.message}`);
      });
      assertEquals(await Deno.readFile(auditDbPath(dir)), before, `${what}: the old database kept`);
    }
    // A download refused offline (exit 5), the database still there.
    await assertRejects(() => updateAuditDb({ cacheDir: dir, http }), NetworkError, "--offline");
    assertEquals((await openAuditDb(dir))?.info.records, 2);
    // A damaged database file is not trusted.
    const bytes = await Deno.readFile(auditDbPath(dir));
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 1;
    await Deno.writeFile(auditDbPath(dir), bytes);
    assertEquals(await openAuditDb(dir), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("several intervals: the fix is the one closing the interval that holds the version; planFixes moves past every record", () => {
  const a = record("PYSEC-A", "vuln-lib", {
    ranges: [[{ introduced: "0" }, { fixed: "1.0" }, { introduced: "1.5" }, { fixed: "2.0" }]],
  });
  const b = record("PYSEC-B", "vuln-lib", { ranges: [[{ introduced: "0" }, { fixed: "1.6" }]] });
  assertEquals(matchRecord(a, "vuln-lib", "0.5")?.fixed, ["1.0"]);
  assertEquals(matchRecord(a, "vuln-lib", "1.7")?.fixed, ["2.0"]);
  assertEquals(matchRecord(a, "vuln-lib", "1.2"), null);
  const findings = [a, b].flatMap((r) => {
    const m = matchRecord(r, "vuln-lib", "0.5")!;
    return [{
      package: "vuln-lib",
      version: "0.5",
      id: r.id,
      aliases: [],
      severity: "HIGH" as const,
      cvss: null,
      summary: "",
      fixed_versions: m.fixed,
    }];
  });
  // Without the records: 1.6 (the largest first fix), which A's second interval still holds.
  assertEquals(planFixes(findings, []).targets[0]!.to, "1.6");
  assertEquals(planFixes(findings, [], [a, b]).targets[0]!.to, "2.0");
  // A record that affects the target with no fix: unfixable, named.
  const c = record("PYSEC-C", "vuln-lib", { ranges: [[{ introduced: "1.9" }]] });
  const stuck = planFixes(findings, [], [a, b, c]);
  assertEquals(stuck.targets, []);
  assertEquals(
    stuck.unfixable[0]!.reason,
    "its fix 2.0 is affected by PYSEC-C, which has no fixed version",
  );
});

Deno.test("a bundle's database is checked like an import: hostile records, bad index, empty, future date are refused; a bad installed one is no database", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const now = new Date();
    const good = {
      format: 1,
      imported_at: now.toISOString(),
      source: "all.zip",
      sha256: "0".repeat(64),
      records: [VULNS[0]],
      packages: { "demo-pkg": [0] },
    };
    const file = join(dir, "db.json");
    const cases: Array<[string, Record<string, unknown>]> = [
      ["records not OSV records", {
        ...good,
        records: [1, { id: "Z" }],
        packages: { foo: [0, 1] },
      }],
      ["index out of bounds", { ...good, packages: { "demo-pkg": [0, 7] } }],
      ["index not numbers", { ...good, packages: { "demo-pkg": ["0"] } }],
      ["empty", { ...good, records: [], packages: {} }],
      ["in the future", { ...good, imported_at: "2099-01-01T00:00:00Z" }],
    ];
    for (const [what, payload] of cases) {
      await writeEntry({ name: "gestvenv-osv-db", version: 1 }, file, JSON.stringify(payload));
      assertEquals(await readAuditDbFile(file), undefined, what);
      assertEquals(await installAuditDbFile(join(dir, "cache"), file), "invalid", what);
      // Written straight into a cache: treated as no database (exit 5), never a crash.
      await Deno.mkdir(join(dir, "cache2", "audit"), { recursive: true });
      await writeEntry(
        { name: "gestvenv-osv-db", version: 1 },
        auditDbPath(join(dir, "cache2")),
        JSON.stringify(payload),
      );
      assertEquals(await openAuditDb(join(dir, "cache2")), undefined, what);
      await assertRejects(
        () =>
          auditDistributions([{ name: "demo-pkg", version: "1.0.0" }], {
            source: "db",
            http: new HttpClient({ offline: true }),
            cacheDir: join(dir, "cache2"),
          }),
        NetworkError,
        "no offline vulnerability database",
      );
    }
    await writeEntry({ name: "gestvenv-osv-db", version: 1 }, file, JSON.stringify(good));
    assertEquals((await readAuditDbFile(file))?.records, 1);
    assertEquals(await installAuditDbFile(join(dir, "cache"), file), "installed");
    assertEquals((await openAuditDb(join(dir, "cache")))?.recordsFor("Demo_Pkg").length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
