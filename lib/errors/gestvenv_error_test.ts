import { assertEquals } from "../../tests/helpers/assert.ts";
import { EXIT_CODE } from "./exit_code.ts";
import {
  BackendError,
  ConfigError,
  EnvironmentNotFoundError,
  GestvenvError,
  NetworkError,
  PackageNotFoundError,
  UsageError,
} from "./gestvenv_error.ts";

Deno.test("GestvenvError subclasses carry the spec's exit codes, stable codes and hints", () => {
  const cases: Array<[GestvenvError, number, string]> = [
    [new UsageError("u"), EXIT_CODE.USAGE, "usage"],
    [new EnvironmentNotFoundError("web"), EXIT_CODE.ENVIRONMENT_NOT_FOUND, "environment_not_found"],
    [new PackageNotFoundError("p"), EXIT_CODE.PACKAGE_NOT_FOUND, "package_not_found"],
    [new NetworkError("n"), EXIT_CODE.NETWORK, "network"],
    [new ConfigError("c"), EXIT_CODE.CONFIG, "config"],
    [new BackendError("b", { details: "pip said no" }), EXIT_CODE.BACKEND, "backend"],
  ];
  for (const [error, exitCode, code] of cases) {
    assertEquals([error.exitCode, error.code, error instanceof Error], [exitCode, code, true]);
  }
  const missing = new EnvironmentNotFoundError("web");
  assertEquals(missing.message, "Environment `web` does not exist");
  assertEquals(missing.hint?.includes("gestvenv create web"), true);
  assertEquals(missing.name, "EnvironmentNotFoundError");
  assertEquals(new BackendError("b", { details: "pip said no" }).details, "pip said no");
  assertEquals([EXIT_CODE.OK, EXIT_CODE.GENERAL, EXIT_CODE.CACHE], [0, 1, 30]);
});
