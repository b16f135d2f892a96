/**
 * PEP 740 attestations of installed distributions: the index's provenance object for the file
 * each distribution was installed from (the `provenance` URL of its PEP 691 / `data-provenance`
 * of its PEP 503 entry), and what can be checked of it without Sigstore: every attestation's
 * in-toto statement names exactly that file, with that sha256, as its one subject; and who
 * published it (the Trusted Publisher identity of each bundle).
 *
 * NOT checked: the Sigstore signature over the statement, the signing certificate's chain to the
 * Fulcio root, its identity claims against the publisher, and inclusion in the Rekor transparency
 * log. A matching statement is reported as `subject-matches`, never as "verified".
 *
 * @module
 */
import { httpTimeouts } from "../config/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import { atomicWriteFile } from "../fs/mod.ts";
import {
  HttpClient,
  type IndexFile,
  parseHtmlPage,
  parseJsonPage,
  redactUrl,
} from "../index/mod.ts";
import { join } from "../paths/mod.ts";
import type { VerificationTarget } from "./verify_environment.ts";

/** The cache bucket of fetched provenance objects, by the artifact's sha256. */
export const PROVENANCE_BUCKET = "provenance-v1";

/** What was found about one distribution's attestations. */
export interface AttestationCheck {
  /** Normalized name and version. */
  package: string;
  version: string;
  /** The artifact's file name (from the lock), or null when unknown. */
  file: string | null;
  /**
   * - `subject-matches`: every attestation's statement names this file and its sha256 (the
   *   signature itself is not verified);
   * - `mismatch`: an attestation (or the index) names another file or digest;
   * - `no-provenance`: the index serves no provenance for the file;
   * - `unavailable`: nothing to ask or the index could not be asked (no locked artifact, no
   *   index recorded, network failure);
   * - `invalid`: the provenance object is not PEP 740's shape.
   */
  status: "subject-matches" | "mismatch" | "no-provenance" | "unavailable" | "invalid";
  /** Why, in words. */
  detail: string;
  /** The provenance URL, when the index gave one. */
  provenance_url: string | null;
  /** Attestations read. */
  attestations: number;
  /** Each bundle's publisher as the index gave it (`kind`, `repository`, `workflow`, …). */
  publishers: Record<string, string>[];
  /** Always false: the Sigstore signature and certificate are not verified. */
  signature_verified: false;
}

function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/-/g, "+").replace(/_/g, "/").replace(/\s+/g, "");
  const binary = atob(clean + "=".repeat((4 - clean.length % 4) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * Checks a PEP 740 provenance object against the file it should attest: returns the publishers
 * and the number of attestations, or throws a message saying what does not match.
 */
export function checkProvenanceObject(
  provenance: unknown,
  filename: string,
  sha256: string,
): { attestations: number; publishers: Record<string, string>[]; problem: string | null } {
  const object = provenance as { version?: unknown; attestation_bundles?: unknown };
  if (typeof object !== "object" || object === null || object.version !== 1) {
    throw new Error("not a PEP 740 provenance object (version 1)");
  }
  if (!Array.isArray(object.attestation_bundles) || object.attestation_bundles.length === 0) {
    throw new Error("the provenance object has no attestation bundle");
  }
  const publishers: Record<string, string>[] = [];
  let attestations = 0;
  for (const bundle of object.attestation_bundles as Record<string, unknown>[]) {
    const publisher = bundle?.publisher as Record<string, unknown> | undefined;
    if (typeof publisher !== "object" || publisher === null || typeof publisher.kind !== "string") {
      throw new Error("an attestation bundle has no publisher kind");
    }
    const shown: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries(publisher)) {
      if (typeof v === "string" && k !== "claims") shown[k] = v;
    }
    publishers.push(shown);
    if (!Array.isArray(bundle.attestations) || bundle.attestations.length === 0) {
      throw new Error(`the bundle of publisher ${publisher.kind} has no attestation`);
    }
    for (const attestation of bundle.attestations as Record<string, unknown>[]) {
      attestations++;
      const envelope = attestation?.envelope as Record<string, unknown> | undefined;
      if (typeof envelope?.statement !== "string" || typeof envelope.signature !== "string") {
        throw new Error("an attestation has no envelope statement and signature");
      }
      let statement: Record<string, unknown>;
      try {
        statement = JSON.parse(new TextDecoder().decode(decodeBase64(envelope.statement)));
      } catch {
        throw new Error("an attestation's statement is not base64-encoded JSON");
      }
      if (statement._type !== "https://in-toto.io/Statement/v1") {
        throw new Error(`an attestation's statement is not an in-toto v1 statement`);
      }
      const subjects = statement.subject as Array<Record<string, unknown>> | undefined;
      if (!Array.isArray(subjects) || subjects.length !== 1) {
        return {
          attestations,
          publishers,
          problem: `an attestation has ${
            Array.isArray(subjects) ? subjects.length : "no"
          } subjects (PEP 740: exactly one)`,
        };
      }
      const [subject] = subjects;
      const digest = (subject?.digest as Record<string, unknown> | undefined)?.sha256;
      if (subject?.name !== filename) {
        return {
          attestations,
          publishers,
          problem: `an attestation names ${String(subject?.name)}, not ${filename}`,
        };
      }
      if (typeof digest !== "string" || digest.toLowerCase() !== sha256) {
        return {
          attestations,
          publishers,
          problem: `an attestation's subject digest is sha256 ${
            String(digest)
          }, not the installed artifact's ${sha256}`,
        };
      }
    }
  }
  return { attestations, publishers, problem: null };
}

async function fetchProjectFiles(http: HttpClient, index: string, name: string) {
  const url = `${index.replace(/\/+$/, "")}/${name}/`;
  const response = await http.request(url, {
    headers: {
      accept: "application/vnd.pypi.simple.v1+json, text/html;q=0.1",
    },
    maxBytes: 64 * 1024 * 1024,
  });
  const text = new TextDecoder().decode(response.body);
  return text.trimStart().startsWith("{")
    ? parseJsonPage(text, response.url)
    : parseHtmlPage(text, response.url);
}

/**
 * Checks the PEP 740 attestations of `targets` (see the module documentation). Each
 * distribution's index page is fetched again (the page cache does not keep provenance URLs);
 * provenance objects are kept in the cache (`provenance-v1/<sha256>.json`) and read from there
 * next time. Never throws for one distribution's failure: it is reported as `unavailable`.
 * Requires `--allow-net` and `--allow-read`/`--allow-write` on the cache.
 */
export async function checkAttestations(
  ctx: EnvironmentContext,
  targets: readonly VerificationTarget[],
  options: { http?: HttpClient | undefined } = {},
): Promise<AttestationCheck[]> {
  const http = options.http ?? new HttpClient({
    offline: ctx.settings.offline.value,
    // `security.allowed_sources`: the index page and the provenance URL it names are refused
    // before any request when outside the list (reported as `unavailable` with the rule).
    allowedSources: ctx.settings.allowedSources?.value,
    ...httpTimeouts(ctx.settings),
    events: ctx.reporter,
  });
  const results: AttestationCheck[] = [];
  for (const { dist, locked, index } of targets) {
    const file = locked?.file ?? null;
    const sha256 = file?.hashes.sha256?.toLowerCase();
    const base = {
      package: dist.normalized_name,
      version: dist.version,
      file: file?.name ?? null,
      provenance_url: null as string | null,
      attestations: 0,
      publishers: [] as Record<string, string>[],
      signature_verified: false as const,
    };
    if (file === null || sha256 === undefined) {
      results.push({
        ...base,
        status: "unavailable",
        detail: "the environment's lock records no artifact for it (no file to attest)",
      });
      continue;
    }
    const cached = join(ctx.home.cacheDir, PROVENANCE_BUCKET, `${sha256}.json`);
    let provenance: unknown;
    let url: string | null = null;
    try {
      const saved = JSON.parse(await Deno.readTextFile(cached));
      provenance = saved.provenance;
      url = typeof saved.url === "string" ? saved.url : null;
    } catch {
      // Not fetched before.
    }
    if (provenance === undefined) {
      if (index === null) {
        results.push({
          ...base,
          status: "unavailable",
          detail: "the lock records no index for it (installed from a URL or a directory)",
        });
        continue;
      }
      let listed: IndexFile | undefined;
      try {
        const files = await fetchProjectFiles(http, index, dist.normalized_name);
        listed = files.find((f) => f.filename === file.name);
      } catch (error) {
        results.push({
          ...base,
          status: "unavailable",
          detail: `the index ${redactUrl(index)} could not be read: ${(error as Error).message}`,
        });
        continue;
      }
      if (listed === undefined) {
        results.push({
          ...base,
          status: "unavailable",
          detail: `the index ${redactUrl(index)} no longer lists ${file.name}`,
        });
        continue;
      }
      if (listed.sha256 !== null && listed.sha256 !== sha256) {
        results.push({
          ...base,
          status: "mismatch",
          detail: `the index now lists ${file.name} with sha256 ${listed.sha256}, ` +
            `not the installed artifact's ${sha256}`,
        });
        continue;
      }
      if (listed.provenance === undefined || listed.provenance === null) {
        results.push({
          ...base,
          status: "no-provenance",
          detail: `the index serves no PEP 740 provenance for ${file.name}`,
        });
        continue;
      }
      url = listed.provenance;
      try {
        const response = await http.request(url, {
          headers: { accept: "application/json" },
          maxBytes: 16 * 1024 * 1024,
        });
        provenance = JSON.parse(new TextDecoder().decode(response.body));
      } catch (error) {
        results.push({
          ...base,
          provenance_url: redactUrl(url),
          status: "unavailable",
          detail: `the provenance could not be fetched: ${(error as Error).message}`,
        });
        continue;
      }
    }
    base.provenance_url = url === null ? null : redactUrl(url);
    try {
      const checked = checkProvenanceObject(provenance, file.name, sha256);
      base.attestations = checked.attestations;
      base.publishers = checked.publishers;
      if (checked.problem !== null) {
        results.push({ ...base, status: "mismatch", detail: checked.problem });
        continue;
      }
      results.push({
        ...base,
        status: "subject-matches",
        detail: `${checked.attestations} attestation(s) name ${file.name} with its sha256 ` +
          "(Sigstore signature not verified)",
      });
      // Kept only when it parses: a later run reads it back without the network.
      await Deno.mkdir(join(ctx.home.cacheDir, PROVENANCE_BUCKET), { recursive: true });
      await atomicWriteFile(cached, JSON.stringify({ url, provenance }));
    } catch (error) {
      results.push({ ...base, status: "invalid", detail: (error as Error).message });
    }
  }
  return results;
}
