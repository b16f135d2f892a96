/** A distribution name and version as recorded in the registry. */
export interface PackagePin {
  name: string;
  version: string;
}

/**
 * What the registry knows about one environment. Stored as JSON in `environments.json`,
 * hence the snake_case keys.
 */
export interface EnvironmentRecord {
  /** The environment's name (unique, validated by `validateEnvironmentName`). */
  name: string;
  /** Absolute path of the environment root. */
  path: string;
  /** The base interpreter it was created from. */
  python: { path: string; version: string; implementation: string };
  /** The backend that manages it: `pip` or `uv`. */
  backend: "pip" | "uv";
  /** Free text from `--description`, or null. */
  description: string | null;
  /** ISO 8601 creation time. */
  created_at: string;
  /** ISO 8601 time of the last command that used or changed it. */
  last_used_at: string;
  /** The requirements the user asked for (PEP 508 strings, `-e PATH` for editables). */
  requirements: string[];
  /** Installed distributions as read back from the environment after the last change. */
  packages: PackagePin[];
}

/** The registry file: a format version and the environments by name. */
export interface RegistryDocument {
  /** Format version of the file; 1. */
  version: 1;
  /** Records keyed by environment name. */
  environments: Record<string, EnvironmentRecord>;
}
