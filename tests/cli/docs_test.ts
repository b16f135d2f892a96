/**
 * `docs [TOPIC]` (issue 11 §3): the built-in guide is README.md's sections, embedded by
 * `scripts/gen_docs.ts` (the module must be current), listed, printed by name or prefix, and a
 * miss is a usage error (exit 2) with a suggestion. No network: see system_info_test.ts.
 *
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { assertSnapshot } from "../helpers/snapshot.ts";
import { assertOk, createTestContext } from "../helpers/test_context.ts";
import { GUIDE_TOPICS, splitGuide } from "../../lib/docs/mod.ts";

const decoder = new TextDecoder();
const SCRIPT = new URL("../../scripts/gen_docs.ts", import.meta.url).pathname;
const ROOT = new URL("../..", import.meta.url).pathname;

Deno.test("docs lists the topics: README's sections, in order, as a table and as JSON", async () => {
  await using ctx = await createTestContext([]);
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const names = splitGuide(readme).map((t) => t.name);
  assert(names.includes("offline-mode") && names.includes("configuration"), names.join(" "));
  assert(!names.includes("command-reference"));

  const table = await ctx.run(["docs"]);
  assertOk(table);
  for (const name of names) assertMatch(table.stdout, new RegExp(`│ ${name} +│`));
  assertStringIncludes(table.stderr, "gestvenv docs TOPIC");

  const json = await ctx.run(["docs", "--format", "json"]);
  assertOk(json);
  const envelope = JSON.parse(json.stdout);
  assertEquals(envelope.command, "docs");
  assertEquals(envelope.data.map((t: { name: string }) => t.name), names);
  for (const topic of envelope.data) {
    assertEquals(Object.keys(topic), ["name", "title", "summary"]);
    assertEquals(typeof topic.summary, "string");
  }
});

Deno.test("docs TOPIC prints the section; a unique prefix and any case are enough", async () => {
  await using ctx = await createTestContext([]);
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const offline = splitGuide(readme).find((t) => t.name === "offline-mode")!;
  const exact = await ctx.run(["docs", "offline-mode"]);
  assertOk(exact);
  assertEquals(exact.stdout, `${offline.text}\n`);
  const prefix = await ctx.run(["docs", "Offline"]);
  assertOk(prefix);
  assertEquals(prefix.stdout, exact.stdout);
  const json = await ctx.run(["docs", "offline", "--format", "json"]);
  assertOk(json);
  assertEquals(JSON.parse(json.stdout).data, {
    name: "offline-mode",
    title: "Offline mode",
    text: offline.text,
  });
});

Deno.test("docs with an unknown or ambiguous topic exits 2 and says what was meant", async (t) => {
  await using ctx = await createTestContext([]);
  const miss = await ctx.run(["docs", "ofline-mode"]);
  assertEquals(miss.code, 2, miss.stderr);
  assertEquals(miss.stdout, "");
  await assertSnapshot(t, miss.stderr);
  const far = await ctx.run(["docs", "__proto__"]);
  assertEquals(far.code, 2, far.stderr);
  assertStringIncludes(far.stderr, "`gestvenv docs` lists the topics");
  const ambiguous = await ctx.run(["docs", "c"]);
  assertEquals(ambiguous.code, 2, ambiguous.stderr);
  await assertSnapshot(t, ambiguous.stderr);
});

Deno.test("the embedded guide is what gen-docs writes from README.md", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-run", SCRIPT, "--check"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, decoder.decode(out.stderr));
  assertStringIncludes(decoder.decode(out.stderr), "up to date");
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  assertEquals(JSON.parse(JSON.stringify(GUIDE_TOPICS)), splitGuide(readme));
});

Deno.test("gen-docs --check fails on a stale module, and regenerating fixes it", async () => {
  const root = await Deno.makeTempDir({ prefix: "gestvenv-gen-docs-" });
  try {
    await Deno.mkdir(join(root, "lib", "docs"), { recursive: true });
    await Deno.copyFile(join(ROOT, "deno.json"), join(root, "deno.json"));
    await Deno.copyFile(
      join(ROOT, "lib", "docs", "guide.generated.ts"),
      join(root, "lib", "docs", "guide.generated.ts"),
    );
    await Deno.writeTextFile(join(root, "README.md"), "# x\n\nIntro.\n\n## New topic\n\nBody.\n");
    const gen = (check: boolean) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-read",
          "--allow-write",
          "--allow-run",
          SCRIPT,
          "--root",
          root,
          ...(check ? ["--check"] : []),
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
    const stale = await gen(true);
    assertEquals(stale.code, 1);
    assertStringIncludes(decoder.decode(stale.stderr), "run `deno task gen-docs`");
    assertEquals((await gen(false)).code, 0);
    assertEquals((await gen(true)).code, 0);
    const generated = await Deno.readTextFile(join(root, "lib", "docs", "guide.generated.ts"));
    assertStringIncludes(generated, '"name": "new-topic"');
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("docs completes topic names", async () => {
  await using ctx = await createTestContext([]);
  const result = await ctx.run(["complete", "--", "docs", "off"]);
  assertOk(result);
  assertEquals(
    result.stdout.split("\n").filter((l) => !l.startsWith(":") && l !== "").map((l) =>
      l.split("\t")[0]
    ),
    ["offline-mode"],
  );
});
