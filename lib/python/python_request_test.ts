import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { UsageError } from "../errors/mod.ts";
import type { InterpreterInfo } from "./interpreter_info.ts";
import { matchesPythonRequest, newestFirst, parsePythonRequest } from "./python_request.ts";

const info = (version: string, implementation = "cpython") =>
  ({
    version,
    implementation,
    version_info: [...version.split(".").map(Number), "final", 0],
  }) as unknown as InterpreterInfo;

Deno.test("parsePythonRequest() understands versions, names, specifiers and paths", () => {
  assertEquals(parsePythonRequest("3.11"), {
    kind: "version",
    implementation: undefined,
    version: [3, 11],
    raw: "3.11",
  });
  assertEquals(parsePythonRequest("3.11.7"), {
    kind: "version",
    implementation: undefined,
    version: [3, 11, 7],
    raw: "3.11.7",
  });
  assertEquals(parsePythonRequest("python3.12"), {
    kind: "version",
    implementation: undefined,
    version: [3, 12],
    raw: "python3.12",
  });
  assertEquals(parsePythonRequest("pypy3"), {
    kind: "version",
    implementation: "pypy",
    version: [3],
    raw: "pypy3",
  });
  assertEquals(parsePythonRequest("cpython3.12"), {
    kind: "version",
    implementation: "cpython",
    version: [3, 12],
    raw: "cpython3.12",
  });
  assertEquals(parsePythonRequest(">=3.10"), {
    kind: "specifier",
    implementation: undefined,
    specifier: ">=3.10",
    raw: ">=3.10",
  });
  assertEquals(parsePythonRequest("/usr/bin/python3").kind, "path");
  assertEquals(parsePythonRequest("./venv/bin/python").kind, "path");
});

Deno.test("parsePythonRequest() rejects nonsense", async () => {
  await assertRejects(
    () => Promise.resolve().then(() => parsePythonRequest("banana")),
    UsageError,
    "Cannot understand",
  );
  await assertRejects(
    () => Promise.resolve().then(() => parsePythonRequest(">=three")),
    UsageError,
  );
});

Deno.test("matchesPythonRequest() compares prefixes, specifiers and implementations", () => {
  assertEquals(matchesPythonRequest(parsePythonRequest("3.11"), info("3.11.7")), true);
  assertEquals(matchesPythonRequest(parsePythonRequest("3.1"), info("3.11.7")), false);
  assertEquals(matchesPythonRequest(parsePythonRequest("3.11.6"), info("3.11.7")), false);
  assertEquals(matchesPythonRequest(parsePythonRequest(">=3.10,<3.12"), info("3.11.7")), true);
  assertEquals(matchesPythonRequest(parsePythonRequest(">=3.12"), info("3.11.7")), false);
  assertEquals(matchesPythonRequest(parsePythonRequest("pypy3"), info("3.10.14")), false);
  assertEquals(matchesPythonRequest(parsePythonRequest("pypy3"), info("3.10.14", "pypy")), true);
});

Deno.test("matchesPythonRequest() and newestFirst() follow our PEP 440 engine (pre-releases, order)", async () => {
  // A pre-release interpreter matches only a specifier that names a pre-release (packaging).
  assertEquals(matchesPythonRequest(parsePythonRequest(">=3.10"), info("3.13.0rc1")), false);
  assertEquals(matchesPythonRequest(parsePythonRequest(">=3.13.0rc1"), info("3.13.0rc1")), true);
  assertEquals(matchesPythonRequest(parsePythonRequest("~=3.12"), info("3.12.1")), true);
  assertEquals(matchesPythonRequest(parsePythonRequest("==3.11.*"), info("3.11.7")), true);
  // `~=3` is not a PEP 440 specifier (one release segment).
  await assertRejects(() => Promise.resolve().then(() => parsePythonRequest("~=3")), UsageError);
  const sorted = ["3.9.18", "3.13.0rc1", "3.13.0", "3.12.10", "3.12.9"].map((v) => info(v))
    .sort(newestFirst).map((i) => i.version);
  assertEquals(sorted, ["3.13.0", "3.13.0rc1", "3.12.10", "3.12.9", "3.9.18"]);
});
