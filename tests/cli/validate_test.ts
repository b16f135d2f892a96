/**
 * `gestvenv validate`: the table a person reads (snapshot), the JSON diagnostics, and the exit
 * codes: 0 for a valid file (warnings allowed), 10 for errors, 10 for warnings under `--strict`,
 * 10 for a file that cannot be read.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { assertSnapshot } from "../helpers/snapshot.ts";
import { createTestContext } from "../helpers/test_context.ts";

const VALID_WITH_WARNING = `[project]
name = "demo"
version = "1.0"
requires-python = ">=3.10"
readme = "README.md"
license = "MIT"
classifiers = ["Programming Language :: Python :: 3.9"]
dependencies = ["requests>=2"]
`;

const INVALID = `[project]
name = "Demo_Pkg"
version = "1.0"
license = { text = "MIT" }
dependencies = [
  "requests>=2",  # http
  "flask[security",
  "requests>=2",
]

[dependency-groups]
dev = [{include-group = "test"}, "ruff"]
test = [{include-group = "dev"}, {include-group = "nope"}]

[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"
`;

Deno.test("validate: table output, exit codes 0 / 10, --strict and --suggest", async (t) => {
  await using ctx = await createTestContext([]);
  const good = join(ctx.work, "good.toml");
  const bad = join(ctx.work, "bad.toml");
  await Deno.writeTextFile(good, VALID_WITH_WARNING);
  await Deno.writeTextFile(bad, INVALID);

  const ok = await ctx.run(["validate", good]);
  assertEquals(ok.code, 0, ok.stderr);
  assertStringIncludes(ok.stdout, "python-classifier-mismatch");
  assertStringIncludes(ok.stderr, "is valid: 0 error(s), 2 warning(s)");

  const strict = await ctx.run(["validate", good, "--strict"]);
  assertEquals(strict.code, 10, strict.stderr);
  assertStringIncludes(strict.stderr, "is not valid: 2 error(s), 0 warning(s)");

  // A relative path (the CLI runs in ctx.work): the snapshot has no temp path in it.
  const invalid = await ctx.run(["validate", "bad.toml", "--suggest"]);
  assertEquals(invalid.code, 10, invalid.stderr);
  await assertSnapshot(t, invalid.stdout + invalid.stderr);

  // Default file: ./pyproject.toml in the working directory (the test's work directory).
  await Deno.writeTextFile(join(ctx.work, "pyproject.toml"), VALID_WITH_WARNING);
  assertEquals((await ctx.run(["validate"])).code, 0);
});

Deno.test("validate --format json: diagnostics with severity, code, path, line and column", async () => {
  await using ctx = await createTestContext([]);
  const bad = join(ctx.work, "pyproject.toml");
  await Deno.writeTextFile(bad, INVALID);
  const result = await ctx.run(["validate", bad, "--format", "json"]);
  assertEquals(result.code, 10, result.stderr);
  const envelope = JSON.parse(result.stdout);
  assertEquals(envelope.status, "error");
  assertEquals(envelope.data.valid, false);
  const first = envelope.data.diagnostics.find((d: { code: string }) =>
    d.code === "invalid-requirement"
  );
  assertEquals(first, {
    severity: "error",
    code: "invalid-requirement",
    message: "invalid PEP 508 requirement: expected `]` at column 15 of `flask[security`",
    path: "project.dependencies[1]",
    line: 7,
    column: 18,
  });
  // No suggestions without --suggest.
  assert(
    envelope.data.diagnostics.every((d: { severity: string }) => d.severity !== "suggestion"),
  );
});

Deno.test("validate: a missing file or broken TOML exits 10 and says what to do", async () => {
  await using ctx = await createTestContext([]);
  const missing = await ctx.run(["validate", join(ctx.work, "nope.toml")]);
  assertEquals(missing.code, 10);
  assertStringIncludes(missing.stderr, "Cannot read");
  assertStringIncludes(missing.stderr, "hint:");
  const broken = join(ctx.work, "broken.toml");
  await Deno.writeTextFile(broken, "[project\nname = 1\n");
  const result = await ctx.run(["validate", broken]);
  assertEquals(result.code, 10);
  assertStringIncludes(result.stdout, "toml-syntax");
});
