/**
 * The form of the legacy upload API that twine and every package index server speak (PyPI's
 * `/legacy/`, devpi, pypiserver, Artifactory, Nexus): a `multipart/form-data` POST with
 * `:action=file_upload`, `protocol_version=1`, the file as `content`, its digests, and the core
 * metadata fields under the names twine uses (`metadata_dictionary()` in twine's `package.py`).
 *
 * @module
 */
import { metadataHeader, parseMetadataFields } from "../metadata/mod.ts";
import { tryParseWheelFilename } from "../dist_filename/mod.ts";

/** Form field names of core-metadata keys that differ from "lower case, `-` → `_`". */
const FIELD_NAMES: Record<string, string> = {
  classifier: "classifiers",
  "project-url": "project_urls",
};

/** Fields the form carries once whatever the metadata repeats. */
const SINGLE = new Set([
  "metadata_version",
  "name",
  "version",
  "summary",
  "home_page",
  "author",
  "author_email",
  "maintainer",
  "maintainer_email",
  "license",
  "license_expression",
  "keywords",
  "download_url",
  "requires_python",
  "description_content_type",
  "description",
]);

/**
 * The form fields of one artifact's upload, in order (repeated names for multi-valued metadata).
 * @param metadataText The file's METADATA or PKG-INFO text (with its body: the description).
 * @param filename The artifact's file name (wheel or sdist).
 * @param sha256 The artifact's sha256, hex.
 */
export function uploadFields(
  metadataText: string,
  filename: string,
  sha256: string,
): [string, string][] {
  const wheel = tryParseWheelFilename(filename);
  const fields: [string, string][] = [
    [":action", "file_upload"],
    ["protocol_version", "1"],
    ["filetype", wheel === null ? "sdist" : "bdist_wheel"],
    ["pyversion", wheel === null ? "source" : wheel.pythonTags.join(".")],
    ["sha256_digest", sha256],
  ];
  const seen = new Set<string>();
  for (const [key, value] of parseMetadataFields(metadataText)) {
    const name = FIELD_NAMES[key] ?? key.replaceAll("-", "_");
    if (SINGLE.has(name)) {
      if (seen.has(name)) continue;
      seen.add(name);
    }
    fields.push([name, value]);
  }
  const header = metadataHeader(metadataText);
  const body = metadataText.slice(header.length).replace(/^\r?\n/, "");
  if (!seen.has("description") && body.trim() !== "") fields.push(["description", body]);
  return fields;
}

/** A `multipart/form-data` body with its content type (boundary included) and length. */
export interface MultipartBody {
  /** The body. */
  body: Blob;
  /** The `Content-Type` header value. */
  contentType: string;
}

function quoted(text: string): string {
  return text.replace(/["\\\r\n]/g, (c) => encodeURIComponent(c));
}

/**
 * Encodes `fields` and one file part (`name="content"`) as `multipart/form-data` (RFC 7578).
 * Field values are UTF-8; the file's bytes are sent as they are.
 */
export function multipartBody(
  fields: readonly [string, string][],
  file: { field: string; filename: string; bytes: Uint8Array },
): MultipartBody {
  const boundary = `gestvenv-${crypto.randomUUID()}`;
  const parts: (string | Uint8Array)[] = [];
  for (const [name, value] of fields) {
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`,
    );
  }
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${
      quoted(file.filename)
    }"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    file.bytes,
    `\r\n--${boundary}--\r\n`,
  );
  return {
    body: new Blob(parts as BlobPart[]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
