import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { BackendError, NetworkError, PackageNotFoundError } from "../errors/mod.ts";
import { failIfUnsuccessful, runTool } from "./_run_tool.ts";

Deno.test("failIfUnsuccessful() maps backend output to the spec's error classes", async () => {
  const fail = (stderr: string) => () =>
    Promise.resolve().then(() =>
      failIfUnsuccessful("pip", "install packages", { code: 1, stdout: "", stderr })
    );
  await assertRejects(
    fail("ERROR: No matching distribution found for nope-pkg"),
    PackageNotFoundError,
    "`nope-pkg`",
  );
  await assertRejects(
    fail(
      "  × No solution found when resolving dependencies:\n  ╰─▶ Because nope was not found in the package registry",
    ),
    PackageNotFoundError,
    "`nope`",
  );
  await assertRejects(
    fail("WARNING: Retrying ... NewConnectionError: Failed to establish a new connection"),
    NetworkError,
  );
  const other = await assertRejects(
    fail("ERROR: ResolutionImpossible: conflicting dependencies"),
    BackendError,
    "exit code 1",
  );
  assertEquals((other as BackendError).details?.includes("ResolutionImpossible"), true);
  failIfUnsuccessful("pip", "x", { code: 0, stdout: "", stderr: "" });
});

Deno.test("runTool() captures output, streams lines and reports a missing program", async () => {
  const lines: string[] = [];
  const result = await runTool("sh", ["-c", "echo one; echo two >&2; exit 3"], {
    onLine: (l) => lines.push(l),
  });
  assertEquals(result.code, 3);
  assertEquals(result.stdout, "one\n");
  assertEquals(lines.sort(), ["one", "two"]);
  await assertRejects(() => runTool("/nonexistent/tool", []), BackendError, "Cannot start");
});
