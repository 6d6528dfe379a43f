import type { BounceSource } from './types.ts'
import { arf } from './arf.ts'
import { fallback } from './fallback.ts'
import { rfc3464 } from './rfc3464.ts'
import { rfc3834 } from './rfc3834.ts'

/**
 * Every bounce source, in the order they are asked (Sisimai's lib/sisimai/order.rb idea):
 * the most specific formats first, the standards (RFC 3464, ARF, RFC 3834) after them, and
 * the generic fallback last. Registered explicitly, never as an import side effect.
 */
export const SOURCES: readonly BounceSource[] = [
  // The standards, after every MTA-specific source:
  rfc3464,
  arf,
  rfc3834,
  // Last, always:
  fallback,
]

export type { BounceSource, SourceResult, RawRecipient, DsnAction } from './types.ts'
