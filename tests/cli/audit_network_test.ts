/**
 * Against the real OSV API and the machine's package index, only with `GESTVENV_TEST_NETWORK=1`:
 * environments with `requests==2.19.0` and with `urllib3==1.24.1` (requests 2.19.0 needs
 * urllib3<1.24, so not one environment) report their known CVEs. Never
 * the only evidence: tests/cli/audit_security_test.ts covers the same paths on 127.0.0.1.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { assertOk, createTestContext } from "../helpers/test_context.ts";

Deno.test({
  name: "network: requests 2.19.0 and urllib3 1.24.1 report CVE-2018-18074 and urllib3's CVEs",
  ignore: Deno.env.get("GESTVENV_TEST_NETWORK") !== "1",
  async fn() {
    await using ctx = await createTestContext([]);
    // Undo the sealed room's index settings: use the machine's pip configuration.
    for (const key of ["PIP_CONFIG_FILE", "PIP_INDEX_URL", "PIP_NO_CACHE_DIR"]) {
      const value = Deno.env.get(key);
      if (value === undefined) delete ctx.env[key];
      else ctx.env[key] = value;
    }
    assertOk(await ctx.run(["create", "req", "--packages", "requests==2.19.0"]));
    assertOk(await ctx.run(["create", "u3", "--packages", "urllib3==1.24.1"]));
    const audit = await ctx.run(["audit", "--all", "--format", "json", "--source", "osv"]);
    assertEquals(audit.code, 1, audit.stderr);
    const findings = JSON.parse(audit.stdout).data.targets.flatMap((
      t: { findings: unknown[] },
    ) => t.findings) as Array<
      { package: string; version: string; id: string; aliases: string[]; fixed_versions: string[] }
    >;
    // Written for the comparison with pip-audit (see the README's "Vulnerability audit").
    await Deno.stderr.write(
      new TextEncoder().encode(
        JSON.stringify(findings.map((f) => [f.package, f.version, f.id, ...f.aliases])) + "\n",
      ),
    );
    const ids = (pkg: string) =>
      new Set(
        findings.filter((f) => f.package.toLowerCase() === pkg).flatMap((
          f,
        ) => [f.id, ...f.aliases]),
      );
    assert(ids("requests").has("CVE-2018-18074"), JSON.stringify(findings));
    for (const cve of ["CVE-2019-11324", "CVE-2019-11236", "CVE-2020-26137"]) {
      assert(ids("urllib3").has(cve), `${cve} in ${JSON.stringify(findings)}`);
    }
    const requests = findings.find((f) => f.aliases.includes("CVE-2018-18074"))!;
    assertEquals(requests.fixed_versions[0], "2.20.0");
  },
});
