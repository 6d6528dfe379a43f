// Human units in the config file ("30s", "5d", "25MiB") → typed numbers, once, at load time.
// Code downstream only ever sees milliseconds and bytes, named so (`maxAgeMs`, `maxMessageBytes`).

const MS_PER_UNIT: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/** SI (kB = 1000) and IEC (KiB = 1024) prefixes; a bare number or `B` is bytes. */
const BYTES_PER_UNIT: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
}

/** `30s`, `5m`, `2h`, `5d`, `1h30m`, `250ms`, or a number of ms. */
const DURATION_PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/gy
const SIZE_TEXT = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?$/i

export const DURATION_EXPECTED = 'a duration like 30s, 5m, 2h, 5d (or a number of milliseconds)'
export const SIZE_EXPECTED = 'a size like 512KiB, 25MiB, 10MB (or a number of bytes)'

/** Milliseconds, or undefined when `value` isn't a duration. Fractions of a millisecond round. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined
  if (typeof value !== 'string') return undefined
  const text = value.trim().toLowerCase()
  if (/^\d+$/.test(text)) return Number(text)
  let totalMs = 0
  let matched = 0
  DURATION_PART.lastIndex = 0
  for (let part = DURATION_PART.exec(text); part !== null; part = DURATION_PART.exec(text)) {
    totalMs += Number(part[1]) * MS_PER_UNIT[part[2]]
    matched = DURATION_PART.lastIndex
    while (text[matched] === ' ') matched++
    DURATION_PART.lastIndex = matched
  }
  if (matched === 0 || matched !== text.length) return undefined
  return Number.isSafeInteger(Math.round(totalMs)) ? Math.round(totalMs) : undefined
}

/** Bytes, or undefined when `value` isn't a size. */
export function parseByteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = SIZE_TEXT.exec(value.trim())
  if (match === null) return undefined
  const bytes = Number(match[1]) * BYTES_PER_UNIT[(match[2] ?? 'b').toLowerCase()]
  return Number.isSafeInteger(Math.round(bytes)) ? Math.round(bytes) : undefined
}

/** `432000000` → `5d`, `1500` → `1500ms`: the shortest exact form, for docs. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = MS_PER_UNIT[unit]
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms}ms`
}

/** `26214400` → `25MiB`: the largest exact IEC unit, for docs. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`
  }
  return `${bytes}B`
}
