// data/dnsbl.toml → the blocklists to query, checked as they load (edge: reads a file).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'smol-toml'
import { TodokuError } from '../core/index.ts'
import type { DnsblList } from './dnsbl.ts'

/** The file shipped with todoku. */
export const DEFAULT_DNSBL_FILE = fileURLToPath(new URL('../../data/dnsbl.toml', import.meta.url))

export interface DnsblLists {
  /** lists egress IPs are looked up on */
  readonly ip: readonly DnsblList[]
  /** lists the sending and bounce domains are looked up on */
  readonly domain: readonly DnsblList[]
}

const ZONE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i
const CODE = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/

/** Reads and checks a blocklist file; every problem named with its place in the file. */
export function loadDnsblLists(file: string = DEFAULT_DNSBL_FILE): DnsblLists {
  let data: Record<string, unknown>
  try {
    data = parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch (cause) {
    throw new TodokuError('CHECKS_DNSBL_FILE_INVALID', `loading ${file}: ${(cause as Error).message}: expected a TOML file of [[ip]] and [[domain]] lists`, { cause })
  }
  const read = (kind: 'ip' | 'domain'): DnsblList[] => {
    const entries = data[kind] ?? []
    if (!Array.isArray(entries)) throw new TodokuError('CHECKS_DNSBL_FILE_INVALID', `loading ${file}: ${kind}: expected [[${kind}]] tables`)
    return entries.map((entry: Record<string, unknown>, index) => {
      const where = `loading ${file}: ${kind}[${index}]`
      const text = (key: string) => {
        const value = entry[key]
        if (typeof value !== 'string' || value === '') throw new TodokuError('CHECKS_DNSBL_FILE_INVALID', `${where}.${key}: expected a non-empty string`)
        return value
      }
      const codes = (key: string): Record<string, string> => {
        const value = (entry[key] ?? {}) as Record<string, unknown>
        for (const [code, meaning] of Object.entries(value)) {
          if (!CODE.test(code) || typeof meaning !== 'string') throw new TodokuError('CHECKS_DNSBL_FILE_INVALID', `${where}.${key}."${code}": expected "127.x.y.z" = "meaning"`)
        }
        return value as Record<string, string>
      }
      const zone = text('zone')
      if (!ZONE.test(zone)) throw new TodokuError('CHECKS_DNSBL_FILE_INVALID', `${where}.zone "${zone}": expected a DNS zone like zen.spamhaus.org`)
      return {
        name: text('name'),
        zone: zone.toLowerCase(),
        source: text('source'),
        enabled: entry.enabled !== false,
        listed: codes('listed'),
        errors: codes('errors'),
        ...(entry.bitmask === true && { bitmask: true }),
      }
    })
  }
  return { ip: read('ip'), domain: read('domain') }
}
