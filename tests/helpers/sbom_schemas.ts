/**
 * Validators of the SBOM formats gestvenv writes:
 * - CycloneDX 1.5 JSON against its official JSON schema (draft-07), vendored with the two schemas
 *   it references from `@cyclonedx/cyclonedx-library@10.3.0`'s `res/schema/` (Apache-2.0, see
 *   `tests/fixtures/cyclonedx/LICENSE` and `NOTICE`), through ajv (formats checked by hand: the
 *   date-time of `metadata.timestamp`);
 * - SPDX 2.3 JSON by hand: no npm package ships the SPDX 2.3 JSON schema, so the fields SPDX 2.3
 *   requires (document creation information, clause 6; package information, clause 7;
 *   relationships, clause 11) and their syntax (SPDX ids, checksums, the purl external reference)
 *   are checked one by one.
 *
 * @module
 */
import { Ajv } from "ajv";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "cyclonedx");

let validator: ((doc: unknown) => string[]) | undefined;

async function loadSchema(file: string, id: string): Promise<Record<string, unknown>> {
  const schema = JSON.parse(await Deno.readTextFile(join(FIXTURES, file)));
  // The bom schema refers to its neighbours by their SNAPSHOT file names.
  return { ...schema, $id: id };
}

/** Errors of `doc` against the CycloneDX 1.5 JSON schema (empty when it is valid). */
export async function cycloneDxErrors(doc: unknown): Promise<string[]> {
  if (validator === undefined) {
    const base = "http://cyclonedx.org/schema/";
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    ajv.addSchema(
      await loadSchema("spdx.SNAPSHOT.schema.json", `${base}spdx.SNAPSHOT.schema.json`),
    );
    ajv.addSchema(
      await loadSchema("jsf-0.82.SNAPSHOT.schema.json", `${base}jsf-0.82.SNAPSHOT.schema.json`),
    );
    const validate = ajv.compile(
      await loadSchema("bom-1.5.SNAPSHOT.schema.json", `${base}bom-1.5.SNAPSHOT.schema.json`),
    );
    validator = (d) => {
      const errors = validate(d)
        ? []
        : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
      const time = (d as { metadata?: { timestamp?: unknown } }).metadata?.timestamp;
      if (
        time !== undefined &&
        (typeof time !== "string" || Number.isNaN(Date.parse(time)) ||
          !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(time))
      ) errors.push(`/metadata/timestamp is not an RFC 3339 date-time: ${time}`);
      return errors;
    };
  }
  return validator(doc);
}

const SPDX_ID = /^SPDXRef-[A-Za-z0-9.-]+$/;
const SPDX_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/**
 * Errors of `doc` against what SPDX 2.3 requires of a JSON document (see the module
 * documentation); empty when none.
 */
export function spdxErrors(doc: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const need = (ok: boolean, what: string) => ok || errors.push(what);
  need(doc.spdxVersion === "SPDX-2.3", "spdxVersion must be SPDX-2.3");
  need(doc.dataLicense === "CC0-1.0", "dataLicense must be CC0-1.0 (6.2)");
  need(doc.SPDXID === "SPDXRef-DOCUMENT", "SPDXID must be SPDXRef-DOCUMENT (6.3)");
  need(typeof doc.name === "string" && doc.name !== "", "name is required (6.4)");
  need(
    typeof doc.documentNamespace === "string" && /^[a-z]+:\/\/[^#\s]+$/.test(doc.documentNamespace),
    "documentNamespace must be a URI without # (6.5)",
  );
  const info = doc.creationInfo as Record<string, unknown> | undefined;
  need(typeof info === "object" && info !== null, "creationInfo is required");
  need(typeof info?.created === "string" && SPDX_TIME.test(info.created), "created (6.9)");
  need(
    Array.isArray(info?.creators) && info.creators.length > 0 &&
      info.creators.every((c) =>
        typeof c === "string" && /^(Tool|Person|Organization): \S/.test(c)
      ),
    "creators (6.8)",
  );
  const packages = doc.packages as Record<string, unknown>[] | undefined;
  need(Array.isArray(packages) && packages.length > 0, "packages");
  const ids = new Set<string>(["SPDXRef-DOCUMENT"]);
  for (const [i, p] of (packages ?? []).entries()) {
    const at = `packages[${i}]`;
    need(typeof p.name === "string" && p.name !== "", `${at}.name (7.1)`);
    need(typeof p.SPDXID === "string" && SPDX_ID.test(p.SPDXID), `${at}.SPDXID (7.2)`);
    need(!ids.has(p.SPDXID as string), `${at}.SPDXID is not unique`);
    ids.add(p.SPDXID as string);
    need(
      typeof p.downloadLocation === "string" &&
        (p.downloadLocation === "NOASSERTION" || p.downloadLocation === "NONE" ||
          /^[a-z+]+:\/\/\S+$/.test(p.downloadLocation)),
      `${at}.downloadLocation (7.7)`,
    );
    need(p.filesAnalyzed === false, `${at}.filesAnalyzed false (no files listed, 7.8)`);
    for (const key of ["licenseConcluded", "licenseDeclared", "copyrightText"]) {
      need(typeof p[key] === "string" && p[key] !== "", `${at}.${key}`);
    }
    for (const c of (p.checksums ?? []) as Record<string, unknown>[]) {
      need(
        c.algorithm === "SHA256" && /^[0-9a-f]{64}$/.test(String(c.checksumValue)),
        `${at}.checksums (7.10)`,
      );
    }
    for (const r of (p.externalRefs ?? []) as Record<string, unknown>[]) {
      need(
        r.referenceCategory === "PACKAGE-MANAGER" && r.referenceType === "purl" &&
          /^pkg:pypi\/[a-z0-9.%-]+(@\S+)?$/.test(String(r.referenceLocator)),
        `${at}.externalRefs (7.21, purl)`,
      );
    }
    if (p.originator !== undefined) {
      need(/^(Person|Organization): /.test(String(p.originator)), `${at}.originator (7.6)`);
    }
    need(
      p.primaryPackagePurpose === undefined ||
        ["APPLICATION", "LIBRARY"].includes(String(p.primaryPackagePurpose)),
      `${at}.primaryPackagePurpose (7.24)`,
    );
  }
  const relationships = doc.relationships as Record<string, unknown>[] | undefined;
  need(Array.isArray(relationships), "relationships");
  need(
    (relationships ?? []).some((r) =>
      r.spdxElementId === "SPDXRef-DOCUMENT" && r.relationshipType === "DESCRIBES"
    ),
    "the document DESCRIBES a package (6.1)",
  );
  for (const [i, r] of (relationships ?? []).entries()) {
    need(
      ids.has(String(r.spdxElementId)) && ids.has(String(r.relatedSpdxElement)),
      `relationships[${i}] names an element of the document (11.1)`,
    );
    need(
      ["DESCRIBES", "DEPENDS_ON"].includes(String(r.relationshipType)),
      `relationships[${i}].relationshipType`,
    );
  }
  return errors;
}
