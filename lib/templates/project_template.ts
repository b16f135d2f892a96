import type { TemplateManifest, TemplateVariable } from "./template_manifest.ts";

/** One file under a template's `files/`. */
export interface TemplateFile {
  /** Path relative to `files/`, `/`-separated, before rendering (`src/{{ package_name }}/x.py`). */
  readonly path: string;
  /** The contents when they are UTF-8 text (rendered unless verbatim). */
  readonly text?: string;
  /** The contents when they are not UTF-8 (always copied as they are). */
  readonly bytes?: Uint8Array;
  /** Whether the file is executable (POSIX mode bit), kept in the generated project. */
  readonly executable: boolean;
}

/** Where a template comes from: embedded in gestvenv, or the user's templates directory. */
export type TemplateOrigin = "built-in" | "user";

/** A template as stored: its manifest and its own files (its base not merged in). */
export interface ProjectTemplate {
  /** The template's name (`basic`, a user template's directory name). */
  readonly name: string;
  /** Built-in, or the user's. */
  readonly origin: TemplateOrigin;
  /** A user template's directory (`<home>/templates/<name>`); undefined for built-ins. */
  readonly dir?: string;
  /** Its parsed `template.toml`. */
  readonly manifest: TemplateManifest;
  /** Its own files, sorted by path. */
  readonly files: readonly TemplateFile[];
}

/** A file of a resolved template: where it came from and how it is written. */
export interface ResolvedTemplateFile {
  /** Path relative to `files/`, before rendering. */
  readonly path: string;
  /** The file itself. */
  readonly file: TemplateFile;
  /** The template (in the base chain) that provides it. */
  readonly from: string;
  /** Contents copied unrendered (a `verbatim` glob matches, or the file is not text). */
  readonly verbatim: boolean;
  /** The Liquid conditions (from `[when]`) that must all hold for it to be written. */
  readonly conditions: readonly string[];
}

/** A template with its `base` chain merged: what `create-from-template` renders. */
export interface ResolvedTemplate {
  /** The template asked for. */
  readonly template: ProjectTemplate;
  /** The chain, the outermost base first and the template itself last. */
  readonly chain: readonly ProjectTemplate[];
  /** Dependency groups to install: the nearest template in the chain that names some. */
  readonly groups: readonly string[];
  /** The variables of the whole chain (a template's own override its base's). */
  readonly variables: ReadonlyMap<string, TemplateVariable>;
  /** Every file, base files first, replaced by path, sorted by path. */
  readonly files: readonly ResolvedTemplateFile[];
}
