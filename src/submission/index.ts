/**
 * submission/: SMTP submission (smtp-server) with STARTTLS and AUTH by API key; mail accepted
 * here goes through the same injector, checks and queue as the HTTP API.
 */
export { startSubmission, type SubmissionDeps, type SubmissionOptions, type SubmissionLog, type RunningSubmission } from './start-submission.ts'
