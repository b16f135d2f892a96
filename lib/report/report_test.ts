import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../../tests/helpers/assert.ts";
import {
  buildReport,
  type CollectedDocument,
  readCacheSamples,
  recordCacheSample,
  renderHtml,
  renderMarkdown,
  shellQuote,
  startSample,
} from "./mod.ts";

const envelope = (data: unknown, status = "success"): CollectedDocument["envelope"] => ({
  status,
  data,
  errors: [],
});

const HOSTILE = `<img src=x onerror="alert(1)">';rm -rf ~;'`;

function hostileAudit(): CollectedDocument {
  return {
    args: ["audit", "--all"],
    exit_code: 1,
    stderr: "",
    envelope: envelope({
      source: "osv",
      targets: [{
        kind: "environment",
        name: "web",
        findings: [{
          package: HOSTILE,
          version: "1.0</td>",
          id: "GHSA-<x>",
          aliases: [],
          severity: "HIGH",
          summary: "</table><script>alert(2)</script>",
          fixed_versions: ["2.0"],
        }],
      }],
      not_audited: [],
      notes: [],
    }, "error"),
  };
}

Deno.test("a hostile distribution name is text in HTML and Markdown, and quoted in the fix", () => {
  const doc = buildReport({
    kind: "security",
    period: "week",
    until: Date.parse("2026-11-30T12:00:00Z"),
    home: "/h",
    version: "0.1.0",
    audit: hostileAudit(),
  });
  assertEquals(doc.problems.length, 1);
  assertEquals(
    doc.problems[0]!.fix,
    `gestvenv install '<img src=x onerror="alert(1)">'\\'';rm -rf ~;'\\''>=2.0' --env web`,
  );
  const html = renderHtml(doc);
  assertEquals([...html.matchAll(/<(img|script|iframe|a)\b/gi)].length, 0);
  assert(!html.includes("</td>'"), "a cell closed by a value");
  assertStringIncludes(html, "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  assertStringIncludes(html, "&lt;/table&gt;&lt;script&gt;");
  const md = renderMarkdown(doc);
  // Outside code spans (whose text CommonMark never reads as HTML), every `<` is escaped.
  const prose = md.replace(/(`+)[^`].*?\1/g, "");
  assertEquals([...prose.matchAll(/(?<!\\)</g)].length, 0, prose);
  // Every table row keeps its column count (no `|` from a value splits a cell).
  for (const line of md.split("\n").filter((l) => l.startsWith("| "))) {
    const cells = line.replace(/\\\|/g, "").split("|").length;
    assert(cells === 6 || cells === 9, `${cells} cells: ${line}`);
  }
});

Deno.test("an audit without a source is unknown, a problem, never an all-clear", () => {
  const doc = buildReport({
    kind: "security",
    period: "day",
    until: Date.parse("2026-11-30T12:00:00Z"),
    home: "/h",
    version: "0.1.0",
    audit: {
      args: ["audit", "--all"],
      exit_code: 5,
      stderr: "error: OSV could not be reached",
      envelope: {
        status: "error",
        data: null,
        errors: [{ code: "network", message: "OSV could not be reached", hint: "audit db update" }],
      },
    },
  });
  assertEquals(doc.clean, false);
  assertEquals(doc.vulnerabilities.available, false);
  assertEquals(doc.problems.map((p) => p.kind), ["section_unavailable"]);
  assert(!renderMarkdown(doc).includes("No known vulnerabilities"));
  assert(!renderHtml(doc).includes("No known vulnerabilities"));
});

Deno.test("shellQuote and the sample standing for a period's start", () => {
  assertEquals(shellQuote("demo-pkg>=1.1"), "'demo-pkg>=1.1'");
  assertEquals(shellQuote("--fix"), "--fix");
  assertEquals(shellQuote("a\nb"), "'a?b'");
  assertEquals(shellQuote("it's"), `'it'\\''s'`);
  const day = 86_400_000;
  const since = Date.parse("2026-11-29T12:00:00Z");
  const samples = [
    { time: "2026-11-28T12:00:00Z", bytes: 1 },
    { time: "2026-11-29T12:30:00Z", bytes: 2 }, // within a tenth of the day after the start
    { time: "2026-11-30T08:00:00Z", bytes: 3 },
  ];
  assertEquals(startSample(samples, since, day)?.bytes, 2);
  assertEquals(startSample(samples.slice(2), since, day), undefined);
});

Deno.test("a failed operation's fix is never its logged line (unquoted, maybe hostile or redacted)", () => {
  const line = "gestvenv install nope>=1.0; $(touch /tmp/pwned) --env web " +
    "--url https://hooks.example.com/services/T0/B0/secret";
  const doc = buildReport({
    kind: "daily",
    period: "day",
    until: Date.parse("2026-11-30T12:00:00Z"),
    home: "/h",
    version: "0.1.0",
    logs: {
      args: ["logs", "--since", "1d"],
      exit_code: 0,
      stderr: "",
      envelope: envelope({
        operations: [
          {
            command: "install",
            command_line: line,
            environments: ["web; rm -rf ~"],
            exit_code: 4,
            error: { code: "package_not_found", message: "No nope\nat https://u:p@x.test/a/b" },
          },
          {
            command: "monitor",
            command_line: "gestvenv monitor alert slack --webhook-url ***",
            environments: [],
            exit_code: 2,
            error: { code: "usage", message: "bad" },
          },
        ],
      }),
    },
  });
  const failed = doc.problems.filter((p) => p.kind === "failed_operation");
  assertEquals(failed.map((p) => p.fix), [
    "gestvenv logs --env 'web; rm -rf ~' --level error --since 1d",
    "gestvenv logs --level error --since 1d",
  ]);
  // The title keeps what failed, but no webhook path, credentials or line break.
  assertEquals(
    failed[0]!.title,
    "Failed (exit 4): gestvenv install nope>=1.0; $(touch /tmp/pwned) --env web " +
      "--url https://hooks.example.com/…",
  );
  assertEquals(failed[0]!.detail, "package_not_found: No nope?at https://u:p@x.test/a/b");
  const md = renderMarkdown(doc);
  assert(!md.includes("secret"), md);
  assert(!renderHtml(doc).includes("secret"));
});

Deno.test("an audit skipped (a damaged registry) leaves vulnerabilities unknown, with its fix", () => {
  const doc = buildReport({
    kind: "security",
    period: "week",
    until: Date.parse("2026-11-30T12:00:00Z"),
    home: "/h",
    version: "0.1.0",
    auditSkipped: { reason: "the registry is damaged", fix: "gestvenv cleanup --orphaned" },
  });
  assertEquals(doc.clean, false);
  assertEquals(doc.vulnerabilities.available, false);
  assertEquals(doc.vulnerabilities.error, "not audited: the registry is damaged");
  assertEquals(doc.problems.map((p) => [p.kind, p.fix]), [
    ["section_unavailable", "gestvenv cleanup --orphaned"],
  ]);
});

Deno.test("recordCacheSample: concurrent reports keep every sample; a damaged file is moved aside", async () => {
  const home = await Deno.makeTempDir();
  try {
    const times = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2026, 0, 1, i)));
    await Promise.all(
      times.map((t, i) => recordCacheSample(home, { time: t.toISOString(), bytes: i })),
    );
    assertEquals((await readCacheSamples(home)).map((s) => s.bytes), times.map((_, i) => i));
    const file = join(home, "reports", "cache_sizes.json");
    await Deno.writeTextFile(file, "{ torn");
    const warnings: string[] = [];
    await recordCacheSample(home, { time: "2026-02-01T00:00:00Z", bytes: 7 }, {
      onWarning: (m) => warnings.push(m),
    });
    assertEquals(warnings.length, 1);
    assertStringIncludes(warnings[0]!, "was damaged");
    const aside = (await Array.fromAsync(Deno.readDir(join(home, "reports")))).map((e) => e.name)
      .filter((n) => n.startsWith("cache_sizes.json.corrupt-"));
    assertEquals(aside.length, 1);
    assertEquals(await Deno.readTextFile(join(home, "reports", aside[0]!)), "{ torn");
    assertEquals((await readCacheSamples(home)).map((s) => s.bytes), [7]);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
