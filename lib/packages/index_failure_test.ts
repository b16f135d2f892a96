/**
 * explainInstallFailure() against a misbehaving local index: a broken index is exit 5 with its
 * URL, a missing package stays exit 4.
 */
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../tests/helpers/assert.ts";
import { type BadIndex, serveBadIndex } from "../../tests/helpers/bad_index.ts";
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import { PipBackend } from "../backends/mod.ts";
import { httpTimeouts, resolveSettings } from "../config/mod.ts";
import { decideIndexes } from "../index/mod.ts";
import { BackendError, NetworkError, PackageNotFoundError, UsageError } from "../errors/mod.ts";
import { findInterpreter } from "../python/mod.ts";
import { createVirtualenv } from "../virtualenv/mod.ts";
import { SILENT_REPORTER } from "../events/mod.ts";
import { resolveHome } from "../paths/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import { explainInstallFailure } from "./index_failure.ts";

function contextFor(index: BadIndex, root: string): EnvironmentContext {
  const home = resolveHome((name) => name === "GESTVENV_HOME" ? root : undefined);
  return {
    home,
    settings: resolveSettings(home, {
      backend: "pip",
      index_url: index.url.replace("http://", "http://user:hunter2@"),
      http_connect_timeout: 0.3,
      http_read_timeout: 0.3,
      lock_timeout: 1,
    }, { env: () => undefined }),
    creatorVersion: "test",
    reporter: SILENT_REPORTER,
  };
}

const pipSaid = () =>
  new PackageNotFoundError("No distribution found for `demo`", {
    details: "ERROR: No matching distribution found for demo",
  });

async function withHome(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "gv-failure-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("explainInstallFailure(): an index that answers 500, hangs or sends garbage is exit 5 with its URL", async () => {
  await using index = serveBadIndex([buildWheel({ name: "demo", version: "1.0" })], {
    hangMs: 5000,
  });
  await withHome(async (root) => {
    const ctx = contextFor(index, root);
    for (
      const [behavior, reason] of [
        [{ status: 500 }, "answered HTTP 500"],
        ["hang", "no answer within 0.3 s"],
        ["garbage", "did not answer with a package index page"],
        ["reset", "after 4 attempts"],
      ] as const
    ) {
      index.behave();
      index.misbehave(behavior);
      const original = pipSaid();
      const error = await assertRejects(
        () => explainInstallFailure(ctx, original, ["Demo"]),
        NetworkError,
        `Cannot install \`Demo\`: `,
      ) as NetworkError;
      assertStringIncludes(error.message, `${index.url}/demo/`);
      assertStringIncludes(error.message, reason);
      assertEquals(error.message.includes("hunter2"), false, error.message);
      assertEquals(error.exitCode, 5);
      assertEquals(error.details, original.details, "pip's output is kept");
      assertEquals(error.cause, original);
      assert(error.hint !== undefined);
    }
  });
});

Deno.test("explainInstallFailure(): a healthy index keeps exit 4 (and a backend's own failure); other errors pass through untouched", async () => {
  await using index = serveBadIndex([buildWheel({ name: "demo", version: "1.0" })]);
  await withHome(async (root) => {
    const ctx = contextFor(index, root);
    const missing = pipSaid();
    assertEquals(
      await assertRejects(
        () => explainInstallFailure(ctx, missing, ["ghost"]),
        PackageNotFoundError,
      ),
      missing,
    );
    const versionless = pipSaid();
    assertEquals(
      await assertRejects(
        () => explainInstallFailure(ctx, versionless, ["demo"]),
        PackageNotFoundError,
      ),
      versionless,
      "the project exists: the version asked for does not, exit 4 is right",
    );
    const backend = new BackendError("pip failed to install packages (exit code 2)");
    assertEquals(
      await assertRejects(() => explainInstallFailure(ctx, backend, ["demo"]), BackendError),
      backend,
    );
    const before = index.count();
    const usage = new UsageError("bad");
    assertEquals(
      await assertRejects(() => explainInstallFailure(ctx, usage, ["demo"]), UsageError),
      usage,
    );
    assertEquals(
      await assertRejects(() => explainInstallFailure(ctx, pipSaid(), []), PackageNotFoundError)
        .then((e) => e.message),
      "No distribution found for `demo`",
    );
    assertEquals(index.count(), before, "no request for errors that are not the index's doing");
  });
});

Deno.test("explainInstallFailure() turns pip's 'No matching distribution' from a 500ing index into exit 5", async () => {
  await using index = serveBadIndex([buildWheel({ name: "demo", version: "1.0" })]);
  index.misbehave({ status: 500 });
  await withHome(async (root) => {
    const ctx = contextFor(index, root);
    const previous = Deno.env.get("PIP_CONFIG_FILE");
    Deno.env.set("PIP_CONFIG_FILE", "/dev/null");
    try {
      const interpreter = await findInterpreter(undefined, { cacheDir: ctx.home.cacheDir });
      const layout = await createVirtualenv(`${root}/env`, interpreter, {
        creatorVersion: "test",
      });
      const call = { index: decideIndexes(ctx.settings), http: httpTimeouts(ctx.settings) };
      const error = await assertRejects(async () => {
        try {
          await new PipBackend().install({ layout, interpreter }, {
            requirements: ["demo"],
            requirementFiles: [],
            editables: [],
            upgrade: false,
            dryRun: false,
          }, call);
        } catch (error) {
          assert(error instanceof PackageNotFoundError, `pip's failure maps to exit 4: ${error}`);
          await explainInstallFailure(ctx, error, ["demo"]);
        }
      }, NetworkError) as NetworkError;
      assertStringIncludes(error.message, `${index.url}/demo/ answered HTTP 500`);
      assertStringIncludes(error.details ?? "", "No matching distribution found for demo");
    } finally {
      if (previous === undefined) Deno.env.delete("PIP_CONFIG_FILE");
      else Deno.env.set("PIP_CONFIG_FILE", previous);
    }
  });
});
