import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { JobRequestError, planJob } from "./job_request.ts";

Deno.test("planJob: each action's command line, positionals after --", () => {
  assertEquals(
    planJob({
      action: "create",
      env: "web",
      python: "3.12",
      packages: ["flask", "requests>=2,<3"],
      requirements: "# deps\nidna==3.7  # pinned\n\n",
    }),
    {
      action: "create",
      env: "web",
      args: ["create", "--format", "json", "--python=3.12", "--", "web"],
      requirements: "flask\nrequests>=2,<3\nidna==3.7\n",
    },
  );
  assertEquals(
    planJob({ action: "install", env: "web", packages: ["flask"], confirm: true }).args,
    ["install", "--format", "json", "--yes", "--env=web", "--", "flask"],
  );
  assertEquals(
    planJob({ action: "update", env: "web", all: true }).args,
    ["update", "--format", "json", "--env=web", "--all", "--"],
  );
  assertEquals(
    planJob({ action: "uninstall", env: "web", packages: ["flask"] }).args,
    ["uninstall", "--format", "json", "--env=web", "--", "flask"],
  );
  assertEquals(planJob({ action: "sync", env: "web" }).args, [
    "sync",
    "--format",
    "json",
    "--locked",
    "--",
    "web",
  ]);
  assertEquals(planJob({ action: "doctor-fix" }).args, ["doctor", "--format", "json", "--fix"]);
  assertEquals(
    planJob({ action: "cache-clean", older_than_days: 30, max_size: "2GB" }).args,
    ["cache", "clean", "--format", "json", "--older-than=30", "--max-size=2GB"],
  );
  assertEquals(
    planJob({ action: "delete", env: "web", confirm: true, confirm_name: "web" }).args,
    ["delete", "--format", "json", "--yes", "--", "web"],
  );
});

Deno.test("planJob: injection and anything unexpected are refused", () => {
  const refused: unknown[] = [
    null,
    "install",
    { action: "run", env: "web" },
    { action: "install", env: "web", packages: ["--index-url=http://evil"] },
    { action: "install", env: "web", packages: ["flask; rm -rf /"] },
    { action: "install", env: "web", packages: [1] },
    { action: "install", env: "web", requirements: "flask\n-e .\n" },
    { action: "install", env: "web", requirements: "flask \\\n>=2\n" },
    { action: "install", env: "-x", packages: ["flask"] },
    { action: "install", env: "../x", packages: ["flask"] },
    { action: "install", env: ".hidden", packages: ["flask"] },
    { action: "install", env: "web" },
    { action: "create", env: "web", python: "-c" },
    { action: "create", env: "web", python: "3.12; touch x" },
    { action: "uninstall", env: "web", packages: ["flask==1"] },
    { action: "update", env: "web" },
    { action: "sync" },
    { action: "cache-clean" },
    { action: "cache-clean", older_than_days: -1 },
    { action: "cache-clean", max_size: "--all" },
    { action: "delete", env: "web" },
    { action: "delete", env: "web", confirm: "yes", confirm_name: "web" },
    { action: "delete", env: "web", confirm: true, confirm_name: "Web" },
  ];
  for (const body of refused) {
    assertThrows(() => planJob(body), JobRequestError);
  }
});

Deno.test("planJob: cache-clean quantities follow the CLI's parsers (what `cache clean` refuses is a 400)", () => {
  for (
    const body of [
      { action: "cache-clean", older_than_days: 0 },
      { action: "cache-clean", older_than_days: 36_501 },
      { action: "cache-clean", older_than_days: Number.NaN },
      { action: "cache-clean", older_than_days: "30" },
      { action: "cache-clean", max_size: "0" },
      { action: "cache-clean", max_size: "0.5B" },
      { action: "cache-clean", max_size: "0GB" },
    ]
  ) {
    assertThrows(() => planJob(body), JobRequestError);
  }
  assertEquals(
    planJob({ action: "cache-clean", older_than_days: 36_500, max_size: "1.5GiB" }).args.slice(-2),
    ["--older-than=36500", "--max-size=1.5GiB"],
  );
  assertEquals(
    planJob({ action: "cache-clean", older_than_days: 0.5 }).args.at(-1),
    "--older-than=0.5",
  );
});

Deno.test("planJob: create's python is a version or an absolute path, which the server checks", () => {
  assertEquals(planJob({ action: "create", env: "web", python: "3.12" }).pythonPath, undefined);
  const byPath = planJob({ action: "create", env: "web", python: "/usr/bin/python3" });
  assertEquals(byPath.pythonPath, "/usr/bin/python3");
  assertEquals(byPath.args.includes("--python=/usr/bin/python3"), true);
  assertThrows(
    () => planJob({ action: "create", env: "web", python: "bin/python" }),
    JobRequestError,
  );
  assertThrows(
    () => planJob({ action: "create", env: "web", python: "./python" }),
    JobRequestError,
  );
});
