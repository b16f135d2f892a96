/**
 * Vulnerability audit (issue 12 §1): OSV records (schema 1.6) matched against PyPI distribution
 * versions with OSV's semantics and PEP 440 ordering, severities from CVSS v3 vectors, aliases
 * merged; data from the OSV API (`querybatch`, then each record, cached) or from the offline
 * database imported from OSV's PyPI export (`audit db update`).
 *
 * @module
 */
export * from "./osv_record.ts";
export * from "./cvss.ts";
export * from "./match_record.ts";
export * from "./findings.ts";
export * from "./osv_client.ts";
export * from "./audit_db.ts";
export * from "./audit_distributions.ts";
export * from "./fix_plan.ts";
export * from "./audit_function.ts";
