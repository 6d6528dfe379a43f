/**
 * The one error base of todoku. `code` is stable and comes from a catalogue per capability
 * (see each folder's `errors.ts`); `message` says what we were doing, on what, what went
 * wrong and what was expected. Wrap lower-level failures with `{ cause }`.
 */
export class TodokuError extends Error {
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'TodokuError'
    this.code = code
  }
}
