import { assertRejects } from "../../tests/helpers/assert.ts";
import { UsageError } from "../errors/mod.ts";
import { validateEnvironmentName } from "./environment_name.ts";

Deno.test("validateEnvironmentName() accepts safe names and rejects the rest", async () => {
  for (const ok of ["web", "web-2", "py3.12_env", "_x"]) validateEnvironmentName(ok);
  for (const bad of ["", "..", "../x", "a/b", "a\\b", ".x", "-x", "a b", "é", "x".repeat(65)]) {
    await assertRejects(
      () => Promise.resolve().then(() => validateEnvironmentName(bad)),
      UsageError,
      "Invalid environment name",
    );
  }
});
