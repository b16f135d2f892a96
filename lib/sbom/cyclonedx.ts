/**
 * CycloneDX 1.5 JSON documents (https://cyclonedx.org/docs/1.5/json/) of an environment: its
 * distributions as `library` components with PURLs, artifact hashes, licences and authors, the
 * dependency graph, the environment's Python in the metadata, and (optionally) vulnerabilities in
 * the shape `lib/audit` reports them.
 *
 * @module
 */
import type { AuditFinding } from "../audit/mod.ts";
import { normalizeName } from "../names/mod.ts";
import type { SbomComponent, SbomSubject } from "./components.ts";
import { pypiPurl } from "./purl.ts";

/** A vulnerability finding as `lib/audit` reports it (`audit --format cyclonedx-json`). */
export type SbomVulnerability = AuditFinding;

/** The tool that wrote a document (`metadata.tools` / SPDX `creators`). */
export interface SbomTool {
  /** `gestvenv`. */
  name: string;
  /** Its version. */
  version: string;
}

/** Options of the document builders. */
export interface SbomDocumentOptions {
  /** The tool recorded as the document's creator. */
  tool: SbomTool;
  /** `urn:uuid:…` (CycloneDX) / the namespace's unique part; a random UUID by default. */
  uuid?: string;
  /** ISO 8601 UTC time, seconds precision; now by default. */
  timestamp?: string;
}

/** A CycloneDX 1.5 BOM, as plain JSON data. */
export type CycloneDxBom = Record<string, unknown>;

/** `2026-11-30T10:00:00Z`: ISO 8601 in UTC without milliseconds (what both formats accept). */
export function sbomTimestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const SEVERITIES: Record<SbomVulnerability["severity"], string> = {
  LOW: "low",
  MEDIUM: "medium",
  HIGH: "high",
  CRITICAL: "critical",
  UNKNOWN: "unknown",
};

/** CycloneDX's rating `method` for a CVSS vector. */
function cvssMethod(vector: string): string {
  if (vector.startsWith("CVSS:4.0/")) return "CVSSv4";
  if (vector.startsWith("CVSS:3.1/")) return "CVSSv31";
  if (vector.startsWith("CVSS:3.0/")) return "CVSSv3";
  if (/^\(?AV:[LAN]\/AC:[HML]\/Au:/.test(vector)) return "CVSSv2";
  return "other";
}

/** Where an advisory id is published (OSV, GitHub, NVD). */
function advisorySource(id: string): { name: string; url: string } {
  if (id.startsWith("CVE-")) return { name: "NVD", url: `https://nvd.nist.gov/vuln/detail/${id}` };
  if (id.startsWith("GHSA-")) return { name: "GitHub", url: `https://github.com/advisories/${id}` };
  return { name: "OSV", url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` };
}

function licensesOf(c: SbomComponent): unknown[] | undefined {
  if (c.license.expression !== null) return [{ expression: c.license.expression }];
  if (c.license.text !== null) return [{ license: { name: c.license.text } }];
  return undefined;
}

function componentOf(c: SbomComponent): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: "library",
    "bom-ref": c.purl,
    name: c.name,
    version: c.version,
  };
  if (c.author !== null) out.author = c.author;
  if (c.summary !== null) out.description = c.summary;
  if (c.artifact !== null) out.hashes = [{ alg: "SHA-256", content: c.artifact.sha256 }];
  const licenses = licensesOf(c);
  if (licenses !== undefined) out.licenses = licenses;
  out.purl = c.purl;
  const refs: unknown[] = [];
  if (c.artifact !== null) {
    refs.push({
      type: "distribution",
      url: c.artifact.url,
      comment: c.artifact.fileName,
      hashes: [{ alg: "SHA-256", content: c.artifact.sha256 }],
    });
  }
  if (c.homepage !== null) refs.push({ type: "website", url: c.homepage });
  if (refs.length > 0) out.externalReferences = refs;
  const properties = [
    { name: "gestvenv:normalized_name", value: c.normalizedName },
    { name: "gestvenv:direct", value: String(c.direct) },
  ];
  if (c.artifact !== null) {
    properties.push({ name: "gestvenv:file_name", value: c.artifact.fileName });
  }
  if (c.license.expression === null && c.license.source !== null) {
    properties.push({ name: "gestvenv:license_source", value: c.license.source });
  }
  out.properties = properties;
  return out;
}

/**
 * The environment's CycloneDX 1.5 BOM: `metadata` (timestamp, the tool, the environment as the
 * `application` component with its Python as properties), one `library` component per
 * distribution (`bom-ref` = its PURL; `hashes` only for the artifact sha256 the lock records;
 * `licenses` as `{expression}` for an SPDX expression, else `{license: {name}}` with the text),
 * `dependencies` for every component and the environment, and, when given, `vulnerabilities`
 * (id, source, aliases as references, a rating with severity and CVSS vector, description,
 * "Upgrade to …" recommendation, and `affects` naming the component).
 */
export function cycloneDxDocument(
  env: SbomSubject,
  components: readonly SbomComponent[],
  vulnerabilities?: readonly SbomVulnerability[],
  options: SbomDocumentOptions = { tool: { name: "gestvenv", version: "unknown" } },
): CycloneDxBom {
  const rootRef = `gestvenv-environment:${env.name}`;
  const byName = new Map(components.map((c) => [c.normalizedName, c]));
  const bom: CycloneDxBom = {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    serialNumber: `urn:uuid:${options.uuid ?? crypto.randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: options.timestamp ?? sbomTimestamp(),
      tools: {
        components: [{
          type: "application",
          name: options.tool.name,
          version: options.tool.version,
        }],
      },
      component: {
        type: "application",
        "bom-ref": rootRef,
        name: env.name,
        description:
          `Python environment ${env.name} (${env.python.implementation} ${env.python.version})`,
        properties: [
          { name: "gestvenv:environment_path", value: env.path },
          { name: "gestvenv:python_implementation", value: env.python.implementation },
          { name: "gestvenv:python_version", value: env.python.version },
          { name: "gestvenv:platform", value: env.python.platform },
        ],
      },
    },
    components: components.map(componentOf),
    dependencies: [
      {
        ref: rootRef,
        dependsOn: env.requires.map((n) => byName.get(n)?.purl).filter((p) => p !== undefined),
      },
      ...components.map((c) => ({
        ref: c.purl,
        dependsOn: c.dependsOn.map((n) => byName.get(n)?.purl).filter((p) => p !== undefined),
      })),
    ],
  };
  if (vulnerabilities !== undefined) {
    bom.vulnerabilities = vulnerabilities.map((v, i) => {
      // The finding names the package as METADATA spells it; components are keyed PEP 503.
      const target = byName.get(normalizeName(v.package));
      const rating: Record<string, unknown> = { severity: SEVERITIES[v.severity] ?? "unknown" };
      if (v.cvss !== null && v.cvss !== "") {
        rating.method = cvssMethod(v.cvss);
        rating.vector = v.cvss;
      }
      const out: Record<string, unknown> = {
        "bom-ref": `vulnerability:${i}:${v.id}`,
        id: v.id,
        source: advisorySource(v.id),
      };
      const aliases = v.aliases.filter((a) => a !== v.id);
      if (aliases.length > 0) {
        out.references = aliases.map((a) => ({ id: a, source: advisorySource(a) }));
      }
      out.ratings = [rating];
      if (v.summary !== "") out.description = v.summary;
      out.recommendation = v.fixed_versions.length > 0
        ? `Upgrade ${v.package} to ${v.fixed_versions.join(" or ")}`
        : `No fixed version of ${v.package} is known`;
      out.affects = [{
        ref: target?.purl ?? pypiPurl(v.package, v.version),
        versions: [{ version: v.version, status: "affected" }],
      }];
      return out;
    });
  }
  return bom;
}
