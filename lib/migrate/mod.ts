/**
 * Migration (issue 11 §4): environments other tools made (Python gestvenv 2.x and 1.x,
 * virtualenvwrapper, pyenv-virtualenv, pipenv, poetry; conda is out of scope) found, analyzed and
 * adopted (copied from a lock and verified, moved, or registered in place), and the automatic
 * migration of a Python gestvenv 2.x home into this gestvenv's layout.
 *
 * @module
 */
export * from "./candidate.ts";
export * from "./python_gestvenv.ts";
export * from "./detect_sources.ts";
export * from "./analyze.ts";
export * from "./adopt_environment.ts";
export * from "./migrate_sources.ts";
export * from "./backup_home.ts";
export * from "./migrate_home.ts";
