import { assertEquals, assertMatch } from "../../tests/helpers/assert.ts";
import { cycloneDxErrors, spdxErrors } from "../../tests/helpers/sbom_schemas.ts";
import type { SbomComponent, SbomSubject } from "./components.ts";
import { cycloneDxDocument, type SbomVulnerability } from "./cyclonedx.ts";
import { pypiPurl } from "./purl.ts";
import { spdxDocument } from "./spdx.ts";

const subject: SbomSubject = {
  name: "web",
  path: "/home/ann/.gestvenv/environments/web",
  python: { implementation: "CPython", version: "3.11.7", platform: "linux-x86_64" },
  requires: ["requests"],
};

function component(
  name: string,
  version: string,
  extra: Partial<SbomComponent> = {},
): SbomComponent {
  return {
    name,
    normalizedName: name.toLowerCase().replace(/[-_.]+/g, "-"),
    version,
    purl: pypiPurl(name, version),
    summary: null,
    author: null,
    homepage: null,
    license: { expression: null, source: null, text: null },
    artifact: null,
    dependsOn: [],
    direct: false,
    ...extra,
  };
}

const components: SbomComponent[] = [
  component("requests", "2.19.0", {
    direct: true,
    dependsOn: ["urllib3"],
    license: { expression: "Apache-2.0", source: "license", text: null },
    author: "Kenneth Reitz",
    homepage: "https://requests.readthedocs.io",
    summary: "HTTP for Humans.",
    artifact: {
      fileName: "requests-2.19.0-py2.py3-none-any.whl",
      url: "https://files.example.org/requests-2.19.0-py2.py3-none-any.whl",
      sha256: "a".repeat(64),
    },
  }),
  component("urllib3", "1.24.1", {
    license: { expression: null, source: "license", text: "Custom licence, see LICENSE.txt" },
  }),
  component("Zope.Interface_x", "5.0+local.1"),
];

const findings: SbomVulnerability[] = [
  {
    package: "urllib3",
    version: "1.24.1",
    id: "PYSEC-2019-133",
    aliases: ["CVE-2019-11324", "GHSA-mh33-7rrq-662w"],
    severity: "HIGH",
    cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
    summary: "urllib3 mishandles certain cases where the desired set of CA certificates differs",
    fixed_versions: ["1.24.2"],
  },
  {
    package: "requests",
    version: "2.19.0",
    id: "GHSA-x84v-xcm2-53pg",
    aliases: [],
    severity: "UNKNOWN",
    cvss: null,
    summary: "",
    fixed_versions: [],
  },
];

const options = { tool: { name: "gestvenv", version: "0.1.0" } };

Deno.test("pypiPurl: lower-cased, `_` → `-`, dots kept, version percent-encoded (purl-spec pypi)", () => {
  assertEquals(pypiPurl("Django_REST", "3.0"), "pkg:pypi/django-rest@3.0");
  assertEquals(pypiPurl("zope.interface", "5.0"), "pkg:pypi/zope.interface@5.0");
  assertEquals(pypiPurl("demo", "1.0+local.1"), "pkg:pypi/demo@1.0%2Blocal.1");
  assertEquals(pypiPurl("demo", "1!2.0"), "pkg:pypi/demo@1%212.0");
});

Deno.test("cycloneDxDocument: valid CycloneDX 1.5 with components, graph and licences", async () => {
  const bom = cycloneDxDocument(subject, components, undefined, options);
  assertEquals(await cycloneDxErrors(bom), []);
  assertMatch(String(bom.serialNumber), /^urn:uuid:[0-9a-f-]{36}$/);
  const list = bom.components as Record<string, unknown>[];
  assertEquals(list.map((c) => c.purl), [
    "pkg:pypi/requests@2.19.0",
    "pkg:pypi/urllib3@1.24.1",
    "pkg:pypi/zope.interface-x@5.0%2Blocal.1",
  ]);
  assertEquals(list[0]!.hashes, [{ alg: "SHA-256", content: "a".repeat(64) }]);
  assertEquals(list[0]!.licenses, [{ expression: "Apache-2.0" }]);
  assertEquals(list[1]!.licenses, [{ license: { name: "Custom licence, see LICENSE.txt" } }]);
  assertEquals(list[1]!.hashes, undefined, "no artifact in the lock: no hash at all");
  assertEquals(list[2]!.licenses, undefined);
  assertEquals(bom.dependencies, [
    { ref: "gestvenv-environment:web", dependsOn: ["pkg:pypi/requests@2.19.0"] },
    { ref: "pkg:pypi/requests@2.19.0", dependsOn: ["pkg:pypi/urllib3@1.24.1"] },
    { ref: "pkg:pypi/urllib3@1.24.1", dependsOn: [] },
    { ref: "pkg:pypi/zope.interface-x@5.0%2Blocal.1", dependsOn: [] },
  ]);
  assertEquals(bom.vulnerabilities, undefined);
});

Deno.test("cycloneDxDocument: audit findings become valid CycloneDX vulnerabilities", async () => {
  const bom = cycloneDxDocument(subject, components, findings, options);
  assertEquals(await cycloneDxErrors(bom), []);
  const [v, w] = bom.vulnerabilities as Record<string, unknown>[];
  assertEquals(v!.id, "PYSEC-2019-133");
  assertEquals(v!.source, { name: "OSV", url: "https://osv.dev/vulnerability/PYSEC-2019-133" });
  assertEquals(v!.references, [
    {
      id: "CVE-2019-11324",
      source: { name: "NVD", url: "https://nvd.nist.gov/vuln/detail/CVE-2019-11324" },
    },
    {
      id: "GHSA-mh33-7rrq-662w",
      source: { name: "GitHub", url: "https://github.com/advisories/GHSA-mh33-7rrq-662w" },
    },
  ]);
  assertEquals(v!.ratings, [{
    severity: "high",
    method: "CVSSv31",
    vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
  }]);
  assertEquals(v!.recommendation, "Upgrade urllib3 to 1.24.2");
  assertEquals(v!.affects, [{
    ref: "pkg:pypi/urllib3@1.24.1",
    versions: [{ version: "1.24.1", status: "affected" }],
  }]);
  assertEquals(w!.ratings, [{ severity: "unknown" }]);
  assertEquals(w!.recommendation, "No fixed version of requests is known");
});

Deno.test("cycloneDxErrors: the schema catches what is wrong (the check is not vacuous)", async () => {
  const bom = cycloneDxDocument(subject, components, findings, options);
  const broken = structuredClone(bom) as Record<string, unknown>;
  (broken.components as Record<string, unknown>[])[0]!.hashes = [{
    alg: "SHA-256",
    content: "xyz",
  }];
  (broken.vulnerabilities as Record<string, unknown>[])[0]!.ratings = [{ severity: "severe" }];
  broken.serialNumber = "not-a-urn";
  const errors = await cycloneDxErrors(broken);
  assertEquals(errors.length >= 3, true, errors.join("\n"));
});

Deno.test("spdxDocument: SPDX 2.3 fields, checksums, licences and DEPENDS_ON", () => {
  const doc = spdxDocument(subject, components, options);
  assertEquals(spdxErrors(doc), []);
  const packages = doc.packages as Record<string, unknown>[];
  assertEquals(packages.map((p) => p.SPDXID), [
    "SPDXRef-Environment-web",
    "SPDXRef-Package-requests-2.19.0",
    "SPDXRef-Package-urllib3-1.24.1",
    "SPDXRef-Package-zope-interface-x-5.0-local.1",
  ]);
  const requests = packages[1]!;
  assertEquals(requests.checksums, [{ algorithm: "SHA256", checksumValue: "a".repeat(64) }]);
  assertEquals(requests.licenseDeclared, "Apache-2.0");
  assertEquals(requests.originator, "Person: Kenneth Reitz");
  assertEquals(requests.downloadLocation, components[0]!.artifact!.url);
  const urllib3 = packages[2]!;
  assertEquals(urllib3.licenseDeclared, "NOASSERTION");
  assertMatch(String(urllib3.licenseComments), /Custom licence, see LICENSE.txt/);
  assertEquals(urllib3.checksums, undefined);
  assertEquals(urllib3.downloadLocation, "NOASSERTION");
  assertEquals(doc.relationships, [
    {
      spdxElementId: "SPDXRef-DOCUMENT",
      relationshipType: "DESCRIBES",
      relatedSpdxElement: "SPDXRef-Environment-web",
    },
    {
      spdxElementId: "SPDXRef-Environment-web",
      relationshipType: "DEPENDS_ON",
      relatedSpdxElement: "SPDXRef-Package-requests-2.19.0",
    },
    {
      spdxElementId: "SPDXRef-Package-requests-2.19.0",
      relationshipType: "DEPENDS_ON",
      relatedSpdxElement: "SPDXRef-Package-urllib3-1.24.1",
    },
  ]);
  const broken = { ...doc, dataLicense: "MIT", packages: [{ ...packages[1], SPDXID: "bad id" }] };
  assertEquals(spdxErrors(broken).length >= 2, true);
});

Deno.test("cycloneDxDocument: every affects.ref is a component's bom-ref, whatever the finding's spelling (`_`, `.`, case)", () => {
  const spelled = [
    component("typing_extensions", "4.0.0"),
    component("zope.interface", "5.0"),
    component("Foo__Bar", "1.0"),
  ];
  const found = (pkg: string, version: string): SbomVulnerability => ({
    package: pkg,
    version,
    id: `PYSEC-${pkg}`,
    aliases: [],
    severity: "HIGH",
    cvss: null,
    summary: "",
    fixed_versions: [],
  });
  const bom = cycloneDxDocument(subject, spelled, [
    found("typing_extensions", "4.0.0"),
    found("zope.interface", "5.0"),
    found("foo-bar", "1.0"),
    found("Typing.Extensions", "4.0.0"),
  ]) as unknown as {
    components: Array<{ "bom-ref": string }>;
    vulnerabilities: Array<{ affects: Array<{ ref: string }> }>;
  };
  const refs = new Set(bom.components.map((c) => c["bom-ref"]));
  const affects = bom.vulnerabilities.flatMap((v) => v.affects.map((a) => a.ref));
  assertEquals(affects.length, 4);
  for (const ref of affects) assertEquals(refs.has(ref), true, ref);
  // A finding for something not listed still gets a purl-encoded reference.
  const lone = cycloneDxDocument(subject, [], [found("Odd_Name", "1.0+x")]) as unknown as {
    vulnerabilities: Array<{ affects: Array<{ ref: string }> }>;
  };
  assertEquals(lone.vulnerabilities[0]!.affects[0]!.ref, pypiPurl("Odd_Name", "1.0+x"));
});
