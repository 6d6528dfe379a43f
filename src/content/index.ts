/**
 * content/: message preflight. What a receiver's filter will dislike about a message before it
 * is queued: RFC 5322/MIME conformance, size, unsubscribe, 特定電子メール法 display items,
 * misleading wording and phishing signs, attachments, HTML; optional SpamAssassin and ClamAV
 * verdicts. Checks are pure; the rule set is data (data/content-rules/*.toml).
 */
export { lintMessage, renderHit, CHECKS } from './lint-message.ts'
export {
  actionFor, applyPolicy, policyFromLists, POLICY_ACTIONS, SEVERITIES,
  type Finding, type FindingWhere, type Hit, type PolicyAction, type PolicyDecision, type PreflightPolicy, type Severity,
} from './finding.ts'
export { DEFAULT_SIZE_THRESHOLDS, type LintOptions, type SizeThresholds } from './checks/check.ts'
export { loadContentRules, defaultContentRules, DEFAULT_CONTENT_RULES_DIR, type ContentRules } from './rules.ts'
export { readMessage, type ReadMessage, type MessagePart, type HeaderField } from './read-message.ts'
export { readZipDirectory, type ZipEntry } from './zip-directory.ts'
export { createPreflight, type Preflight, type PreflightOptions, type PreflightResult } from './preflight.ts'
export { LINT_THREAD_ERRORS, startLintThreads, type LintThreads, type LintThreadsOptions } from './lint-threads.ts'
export { ScannerError, type ContentScanner, type ScannerAddress, type ScannerErrorCode } from './scanners/scanner.ts'
export { createSpamdScanner, parseSpamdReply, DEFAULT_SPAMD_MAX_MESSAGE_BYTES, type SpamdOptions } from './scanners/spamd.ts'
export { createClamdScanner, parseClamdReply, DEFAULT_CLAMD_CHUNK_BYTES, DEFAULT_CLAMD_MAX_STREAM_BYTES, type ClamdOptions } from './scanners/clamd.ts'
