import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { deflateRawSync, gzipSync } from 'node:zlib'
import { MAX_UNCOMPRESSED_BYTES, parseAggregateFileName, parseAggregateReport, parseAggregateXml } from './index.ts'

const fixture = (name: string): Buffer => readFileSync(new URL(`../../test/fixtures/reports/${name}`, import.meta.url))

test('reads an RFC 7489 report into the normalized shape, entities decoded', () => {
  const { report } = parseAggregateReport(fixture('rfc7489.xml'))
  assert.equal(report.format, 'rfc7489')
  assert.deepEqual(report.dateRange, { beginS: 1750000000, endS: 1750086399 })
  assert.deepEqual(report.policyPublished, { domain: 'shop.example', adkim: 'r', aspf: 'r', p: 'none', sp: 'none', pct: 100 })
  assert.deepEqual(report.records[2].reasons, [{ type: 'forwarded', comment: 'list & forwarder' }])
  assert.deepEqual(report.records[1].dkimResults, [{ domain: 'esp.example', selector: 's1', result: 'pass' }])
  assert.equal(report.records[3].sourceIp, '2001:db8::66')
})

test('reads RFC 9990 with and without its namespace alike, with np, testing and discovery_method', () => {
  const namespaced = parseAggregateReport(fixture('rfc9990-namespaced.xml')).report
  const plain = parseAggregateReport(fixture('rfc9990-plain.xml')).report
  assert.equal(namespaced.format, 'rfc9990')
  assert.deepEqual({ ...plain, reportId: '' }, { ...namespaced, reportId: '' })
  assert.deepEqual(namespaced.policyPublished, { domain: 'shop.example', p: 'quarantine', sp: 'none', np: 'reject', testing: 'n', discoveryMethod: 'treewalk' })
  assert.equal(namespaced.records[0].disposition, 'pass')
  assert.equal(namespaced.records[0].envelopeFrom, 'bounce.shop.example')
})

test('refuses a DOCTYPE (entity expansion: billion laughs, XXE) before parsing', () => {
  const laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><feedback>&lol2;</feedback>'
  assert.throws(() => parseAggregateXml(laughs), { code: 'REPORT_XML_INVALID', message: /DOCTYPE or ENTITY declaration, refused/ })
  const xxe = '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><feedback><report_metadata><org_name>&x;</org_name></report_metadata></feedback>'
  assert.throws(() => parseAggregateXml(xxe), { code: 'REPORT_XML_INVALID' })
})

test('says which field is wrong and what the schema expects', () => {
  const xml = fixture('rfc7489.xml').toString('utf8')
  assert.throws(() => parseAggregateXml(xml.replace('<count>940</count>', '<count>many</count>')), { code: 'REPORT_SCHEMA_INVALID', message: /record\[0\]\.row\.count: "many"; expected a whole number/ })
  assert.throws(() => parseAggregateXml(xml.replace('<source_ip>192.0.2.10</source_ip>', '<source_ip>mx.example</source_ip>')), { message: /record\[0\]\.row\.source_ip: "mx\.example"; expected an IPv4 or IPv6 address/ })
  assert.throws(() => parseAggregateXml(xml.replace(/<report_id>[^<]*<\/report_id>/, '')), { message: /report_metadata\.report_id: it is missing/ })
  assert.throws(() => parseAggregateXml('<html><body/></html>'), { message: /root element is <html>; expected a <feedback> root element/ })
  assert.throws(() => parseAggregateReport(Buffer.from('{"organization-name":"x"}')), { code: 'REPORT_UNRECOGNIZED', message: /expected a DMARC aggregate report/ })
})

test('stops a gzip or zip bomb at the inflate limit, whatever size the zip claims', () => {
  const bomb = Buffer.alloc(MAX_UNCOMPRESSED_BYTES + 1024, 0x20)
  assert.throws(() => parseAggregateReport(gzipSync(bomb)), { code: 'REPORT_TOO_LARGE' })
  const deflated = deflateRawSync(bomb)
  const name = Buffer.from('r.xml')
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(8, 8); local.writeUInt32LE(deflated.length, 18); local.writeUInt32LE(10, 22); local.writeUInt16LE(name.length, 26)
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(8, 10); central.writeUInt32LE(deflated.length, 20); central.writeUInt32LE(10, 24); central.writeUInt16LE(name.length, 28)
  const directoryOffset = local.length + name.length + deflated.length
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10); end.writeUInt32LE(central.length + name.length, 12); end.writeUInt32LE(directoryOffset, 16)
  const zip = Buffer.concat([local, name, deflated, central, name, end])
  assert.throws(() => parseAggregateReport(zip), { code: 'REPORT_TOO_LARGE', message: /inflating zip entry r\.xml: over the limit/ })
})

test('reads the RFC 7489 §7.2.1.1 file name convention', () => {
  assert.deepEqual(parseAggregateFileName('reports/fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz'), {
    receiver: 'fastmail.com', policyDomain: 'example.com', beginS: 1516060800, endS: 1516147199, uniqueId: '102675056', extension: 'xml.gz',
  })
  assert.equal(parseAggregateFileName('!example.com!1538204542!1538463818.xml')?.receiver, '')
  assert.equal(parseAggregateFileName('report.xml'), undefined)
})
