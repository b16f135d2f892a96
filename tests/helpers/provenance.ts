/**
 * PEP 740 provenance objects for tests: one attestation bundle from a GitHub Trusted Publisher
 * whose in-toto statement names `filename` with `sha256`. The certificate and signature are
 * placeholders (gestvenv does not verify them, and says so).
 *
 * @module
 */

/** A provenance object attesting `filename` with `sha256` (hex). */
export function provenanceFor(
  filename: string,
  sha256: string,
  subjects?: Array<{ name: string; digest: { sha256: string } }>,
): Record<string, unknown> {
  const statement = {
    _type: "https://in-toto.io/Statement/v1",
    subject: subjects ?? [{ name: filename, digest: { sha256 } }],
    predicateType: "https://docs.pypi.org/attestations/publish/v1",
    predicate: null,
  };
  return {
    version: 1,
    attestation_bundles: [{
      publisher: {
        kind: "GitHub",
        repository: "ann/demo",
        workflow: "release.yml",
        environment: "pypi",
        claims: null,
      },
      attestations: [{
        version: 1,
        verification_material: { certificate: "MIIC-placeholder", transparency_entries: [] },
        envelope: { statement: btoa(JSON.stringify(statement)), signature: btoa("placeholder") },
      }],
    }],
  };
}
