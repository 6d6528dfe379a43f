import type { BounceSource } from './types.ts'

/**
 * Every bounce source, in the order they are asked (Sisimai's lib/sisimai/order.rb idea):
 * the most specific formats first, the standards (RFC 3464, ARF, RFC 3834) after them, and
 * the generic fallback last. Registered explicitly, never as an import side effect.
 */
export const SOURCES: readonly BounceSource[] = [
]

export type { BounceSource, SourceResult, RawRecipient, DsnAction } from './types.ts'
