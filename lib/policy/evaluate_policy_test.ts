import { assertEquals, assertStringIncludes, assertThrows } from "../../tests/helpers/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";
import {
  type AuditFinding,
  evaluatePolicies,
  isPinned,
  type PolicyDistribution,
  type PolicySubject,
} from "./evaluate_policy.ts";
import { checkPolicy, parsePolicy } from "./policy_file.ts";

const markers: MarkerEnvironment = {
  implementation_name: "cpython",
  implementation_version: "3.11.7",
  os_name: "posix",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  platform_release: "6.0",
  platform_system: "Linux",
  platform_version: "#1",
  python_full_version: "3.11.7",
  python_version: "3.11",
  sys_platform: "linux",
};

function dist(name: string, version: string, more: Partial<PolicyDistribution> = {}) {
  return {
    name,
    version,
    license: { expression: "MIT", source: "license-expression" as const, text: null },
    urls: [`https://files.pythonhosted.org/${name}-${version}.whl`],
    directory: null,
    hashed: true,
    ...more,
  };
}

function subject(distributions: PolicyDistribution[], requirements: string[] | null = []) {
  return {
    environment: "web",
    python: "3.11.7",
    markers,
    distributions,
    requirements,
  } satisfies PolicySubject;
}

const finding = (pkg: string, severity: AuditFinding["severity"]): AuditFinding => ({
  package: pkg,
  version: "1.0",
  id: `PYSEC-${severity}`,
  aliases: ["CVE-1"],
  severity,
  cvss: null,
  summary: "bad",
  fixed_versions: ["1.1"],
});

Deno.test("evaluatePolicies(): blocked requirements with specifiers and markers", async () => {
  const policy = parsePolicy(
    `version = 1\n[packages]\nblocked = ["six", "requests<2.20", "pywin32; sys_platform == 'win32'"]\n`,
    "team.toml",
  );
  const { violations } = await evaluatePolicies(
    [policy],
    subject([
      dist("six", "1.16.0"),
      dist("requests", "2.19.0"),
      dist("requests-toolbelt", "1.0"),
      dist("pywin32", "306"),
    ]),
  );
  assertEquals(violations.map((v) => [v.package, v.rule]), [
    ["six", "packages.blocked"],
    ["requests", "packages.blocked"],
  ]);
  const newer = await evaluatePolicies([policy], subject([dist("requests", "2.31.0")]));
  assertEquals(newer.violations, []);
});

Deno.test("evaluatePolicies(): the strictest wins across policies (allowed lists intersect, lowest max_severity)", async () => {
  const a = parsePolicy(`version = 1\n[licenses]\nallowed = ["MIT", "BSD-3-Clause"]\n`, "a.toml");
  const b = parsePolicy(`version = 1\n[licenses]\nallowed = ["MIT", "Apache-2.0"]\n`, "b.toml");
  const bsd = dist("x", "1", {
    license: { expression: "BSD-3-Clause", source: "license-expression", text: null },
  });
  const { violations } = await evaluatePolicies([a, b], subject([bsd, dist("y", "1")]));
  assertEquals(violations.map((v) => [v.package, v.policy]), [["x", "b.toml"]]);

  const high = parsePolicy(`version = 1\n[vulnerabilities]\nmax_severity = "HIGH"\n`, "high.toml");
  const low = parsePolicy(`version = 1\n[vulnerabilities]\nmax_severity = "low"\n`, "low.toml");
  let asked: string[] = [];
  const audit = (dists: Array<{ name: string; version: string }>) => {
    asked = dists.map((d) => d.name);
    return Promise.resolve([
      finding("x", "LOW"),
      finding("x", "MEDIUM"),
      finding("y", "UNKNOWN"),
    ]);
  };
  const judged = await evaluatePolicies([high, low], subject([bsd, dist("y", "1")]), audit);
  assertEquals(asked, ["x", "y"], "one audit for every distribution");
  assertEquals(
    judged.violations.map((v) => [v.package, v.rule, v.policy]),
    [
      ["x", "vulnerabilities.max_severity", "low.toml"],
      ["y", "vulnerabilities.max_severity", "low.toml"],
    ],
    "MEDIUM and UNKNOWN (counted as CRITICAL) are above LOW",
  );
  assertStringIncludes(judged.violations[0]!.message, "PYSEC-MEDIUM (CVE-1) is MEDIUM, above LOW");
  // Without an audit: said plainly, never a pass.
  const unchecked = await evaluatePolicies([high], subject([bsd]));
  assertEquals(unchecked.violations, []);
  assertStringIncludes(unchecked.warnings[0]!.message, "could not be checked");
});

Deno.test("evaluatePolicies(): hashes, pins, Python and sources", async () => {
  const policy = parsePolicy(
    `version = 1\n[requirements]\nrequire_hashes = true\nrequire_pins = true\n[python]\nallowed = ">=3.12"\n[sources]\nallowed = ["files.pythonhosted.org"]\n`,
    "team.toml",
  );
  const { violations } = await evaluatePolicies(
    [policy],
    subject(
      [
        dist("ok", "1"),
        dist("local", "1", { directory: "/src/local", urls: [], hashed: false }),
        dist("unlocked", "1", { hashed: false }),
        dist("mirror", "1", { urls: ["https://mirror.example/mirror-1.whl"] }),
      ],
      ["ok==1", "unlocked>=1", "mirror===1", "local @ file:///src/local", "x==1.*"],
    ),
  );
  assertEquals(violations.map((v) => `${v.rule} ${v.package ?? ""}`.trim()), [
    "python.allowed",
    "requirements.require_hashes local",
    "requirements.require_hashes unlocked",
    "sources.allowed mirror",
    "requirements.require_pins",
    "requirements.require_pins",
  ]);
  assertEquals(
    violations.filter((v) => v.rule === "requirements.require_pins").map((v) => v.message),
    [
      "`unlocked>=1` is not pinned to one version; write it as `name==VERSION`",
      "`x==1.*` is not pinned to one version; write it as `name==VERSION`",
    ],
  );
  assertEquals([isPinned("a==1"), isPinned("a===x"), isPinned("a"), isPinned("-e .")], [
    true,
    true,
    false,
    false,
  ]);
});

Deno.test("checkPolicy(): a [tool.gestvenv.policy] table names lines in its pyproject.toml", () => {
  const text =
    `[project]\nname = "x"\n\n[tool.gestvenv.policy]\nversion = 1\n\n[tool.gestvenv.policy.licenses]\nallowd = ["MIT"]\n`;
  const table = { version: 1, licenses: { allowd: ["MIT"] } };
  assertThrows(
    () => checkPolicy(table, "pyproject.toml [tool.gestvenv.policy]", text),
    ConfigError,
    "pyproject.toml [tool.gestvenv.policy]:8:1: unknown key `allowd` in `[licenses]`; did you mean `allowed`?",
  );
  // JSON policies are the same document.
  const json = parsePolicy(JSON.stringify({ version: 1, python: { allowed: ">=3.9" } }), "t.json");
  assertEquals(json.pythonAllowed?.text, ">=3.9");
  assertThrows(() => parsePolicy("{", "t.json"), ConfigError, "t.json: not valid JSON");
  assertThrows(
    () => parsePolicy(`version = 1\n[sources]\nallowed = ["not a host"]\n`, "s.toml"),
    ConfigError,
    "s.toml:3:1:",
  );
});
