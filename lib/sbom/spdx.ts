/**
 * SPDX 2.3 JSON documents (https://spdx.github.io/spdx-spec/v2.3/) of an environment: the
 * environment as the described package, each distribution as a package with its PURL
 * (`externalRefs`), the artifact's sha256 (`checksums`), the declared licence, its author
 * (`originator`), and `DEPENDS_ON` relationships for the dependency graph.
 *
 * @module
 */
import type { SbomComponent, SbomSubject } from "./components.ts";
import { type SbomDocumentOptions, sbomTimestamp } from "./cyclonedx.ts";

/** An SPDX 2.3 document, as plain JSON data. */
export type SpdxDocument = Record<string, unknown>;

/** An SPDX element id part: only `A-Z a-z 0-9 . -` are allowed (SPDX 2.3 §3.2). */
function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}

/**
 * The environment's SPDX 2.3 document: `SPDXRef-DOCUMENT` DESCRIBES the environment (a package of
 * purpose `APPLICATION`, its Python in the comment), which DEPENDS_ON its direct requirements;
 * each distribution is a `LIBRARY` package (`filesAnalyzed: false`, `downloadLocation` the
 * artifact URL or `NOASSERTION`, `checksums` the artifact's SHA256 when the lock records it,
 * `licenseDeclared` the SPDX expression or `NOASSERTION` with the licence text in
 * `licenseComments`, the PURL as a `PACKAGE-MANAGER` external reference) and DEPENDS_ON what it
 * requires.
 */
export function spdxDocument(
  env: SbomSubject,
  components: readonly SbomComponent[],
  options: SbomDocumentOptions = { tool: { name: "gestvenv", version: "unknown" } },
): SpdxDocument {
  const uuid = options.uuid ?? crypto.randomUUID();
  const envId = `SPDXRef-Environment-${idPart(env.name)}`;
  const ids = new Map<string, string>();
  const used = new Set<string>([envId]);
  for (const c of components) {
    let id = `SPDXRef-Package-${idPart(c.normalizedName)}-${idPart(c.version)}`;
    for (let n = 2; used.has(id); n++) id = `${id}-${n}`;
    used.add(id);
    ids.set(c.normalizedName, id);
  }
  const python = `${env.python.implementation} ${env.python.version} (${env.python.platform})`;
  const packages: unknown[] = [{
    SPDXID: envId,
    name: env.name,
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    licenseConcluded: "NOASSERTION",
    licenseDeclared: "NOASSERTION",
    copyrightText: "NOASSERTION",
    primaryPackagePurpose: "APPLICATION",
    description: `Python environment ${env.name} at ${env.path}`,
    comment: `Python: ${python}`,
  }];
  for (const c of components) {
    const pkg: Record<string, unknown> = {
      SPDXID: ids.get(c.normalizedName),
      name: c.name,
      versionInfo: c.version,
      downloadLocation: c.artifact?.url ?? "NOASSERTION",
      filesAnalyzed: false,
    };
    if (c.artifact !== null) {
      pkg.packageFileName = c.artifact.fileName;
      pkg.checksums = [{ algorithm: "SHA256", checksumValue: c.artifact.sha256 }];
    }
    if (c.homepage !== null) pkg.homepage = c.homepage;
    pkg.licenseConcluded = "NOASSERTION";
    pkg.licenseDeclared = c.license.expression ?? "NOASSERTION";
    if (c.license.expression === null && c.license.text !== null) {
      pkg.licenseComments = `The metadata's licence is not an SPDX expression: ${c.license.text}`;
    }
    pkg.copyrightText = "NOASSERTION";
    if (c.author !== null) pkg.originator = `Person: ${c.author.replace(/[()]/g, "")}`;
    pkg.supplier = "NOASSERTION";
    if (c.summary !== null) pkg.summary = c.summary;
    pkg.externalRefs = [{
      referenceCategory: "PACKAGE-MANAGER",
      referenceType: "purl",
      referenceLocator: c.purl,
    }];
    pkg.primaryPackagePurpose = "LIBRARY";
    packages.push(pkg);
  }
  const relationships: unknown[] = [{
    spdxElementId: "SPDXRef-DOCUMENT",
    relationshipType: "DESCRIBES",
    relatedSpdxElement: envId,
  }];
  for (const name of env.requires) {
    const id = ids.get(name);
    if (id !== undefined) {
      relationships.push({
        spdxElementId: envId,
        relationshipType: "DEPENDS_ON",
        relatedSpdxElement: id,
      });
    }
  }
  for (const c of components) {
    for (const dep of c.dependsOn) {
      const id = ids.get(dep);
      if (id === undefined) continue;
      relationships.push({
        spdxElementId: ids.get(c.normalizedName),
        relationshipType: "DEPENDS_ON",
        relatedSpdxElement: id,
      });
    }
  }
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `gestvenv-environment-${env.name}`,
    documentNamespace: `https://gestvenv.invalid/spdx/${encodeURIComponent(env.name)}-${uuid}`,
    creationInfo: {
      created: options.timestamp ?? sbomTimestamp(),
      creators: [`Tool: ${options.tool.name}-${options.tool.version}`],
      comment: `Installed distributions of the environment; Python ${python}`,
    },
    packages,
    relationships,
  };
}
