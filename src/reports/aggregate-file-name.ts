/** RFC 7489 §7.2.1.1 file name: `receiver "!" policy-domain "!" begin "!" end [ "!" unique-id ] "." ext`. */
export interface AggregateFileName {
  readonly receiver: string
  readonly policyDomain: string
  readonly beginS: number
  readonly endS: number
  readonly uniqueId?: string
  /** xml, xml.gz, zip… */
  readonly extension: string
}

const FILE_NAME = /^([^!]*)!([^!]+)!(\d{1,12})!(\d{1,12})(?:!([^!.]+))?\.([a-z0-9.]+)$/i

/** The parts of a report file name that follows the convention; undefined for any other name. */
export function parseAggregateFileName(name: string): AggregateFileName | undefined {
  const base = name.split(/[\\/]/).pop() ?? name
  const match = FILE_NAME.exec(base)
  if (match === null) return undefined
  return {
    receiver: match[1].toLowerCase(),
    policyDomain: match[2].toLowerCase(),
    beginS: Number(match[3]),
    endS: Number(match[4]),
    ...(match[5] !== undefined && { uniqueId: match[5] }),
    extension: match[6].toLowerCase(),
  }
}
