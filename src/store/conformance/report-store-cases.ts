import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { NewDmarcReport, NewTlsReport } from '../report-store.ts'
import { openForTest, START_MS, type OpenStore } from './open-store.ts'

const DAY_S = 86_400

/** A two-row report for example.test over the day starting at `beginS`. */
export function sampleDmarcReport(overrides: Partial<NewDmarcReport> = {}, beginS = START_MS / 1000): NewDmarcReport {
  return {
    format: 'rfc7489',
    reportId: 'report-1',
    orgName: 'receiver.test',
    email: 'dmarc@receiver.test',
    errors: [],
    dateRange: { beginS, endS: beginS + DAY_S - 1 },
    policyPublished: { domain: 'example.test', adkim: 'r', aspf: 'r', p: 'none', pct: 100 },
    records: [
      {
        sourceIp: '192.0.2.1', count: 7, disposition: 'none', dkim: 'pass', spf: 'pass', reasons: [], headerFrom: 'example.test',
        envelopeFrom: 'bounce.example.test',
        dkimResults: [{ domain: 'example.test', selector: 's1', result: 'pass' }], spfResults: [{ domain: 'bounce.example.test', scope: 'mfrom', result: 'pass' }],
      },
      {
        sourceIp: '2001:db8::5', count: 3, disposition: 'none', dkim: 'fail', spf: 'fail', reasons: [{ type: 'local_policy', comment: 'x' }],
        headerFrom: 'example.test', dkimResults: [], spfResults: [{ domain: 'spoof.test', result: 'softfail' }],
      },
    ],
    ...overrides,
  }
}

export function sampleTlsReport(overrides: Partial<NewTlsReport> = {}): NewTlsReport {
  return {
    reportId: 'tls-1',
    organizationName: 'Receiver Inc.',
    contactInfo: 'tls@receiver.test',
    dateRange: { startMs: START_MS, endMs: START_MS + DAY_S * 1000 - 1 },
    policies: [{
      policyType: 'sts', policyDomain: 'example.test', policyStrings: ['version: STSv1', 'mode: enforce'], mxHosts: ['mx.example.test'],
      successfulSessions: 90, failedSessions: 10,
      failureDetails: [{ resultType: 'certificate-expired', failedSessions: 10, receivingMxHostname: 'mx.example.test' }],
    }],
    ...overrides,
  }
}

export function describeReportStore(open: OpenStore): void {
  test('stores a DMARC report with every row, and lists it with its totals', async (t) => {
    const { store } = await openForTest(t, open)
    const saved = await store.saveDmarcReport(sampleDmarcReport())
    assert.equal(saved.isDuplicate, false)
    const reports = await store.listDmarcReports({ domain: 'EXAMPLE.test' })
    assert.equal(reports.length, 1)
    assert.equal(reports[0].id, saved.id)
    assert.equal(reports[0].recordCount, 2)
    assert.equal(reports[0].messageCount, 10)
    assert.equal(reports[0].receivedAtMs, START_MS)
    assert.deepEqual(reports[0].policyPublished, sampleDmarcReport().policyPublished)
    const records = await store.listDmarcRecords({ domain: 'example.test' })
    assert.deepEqual(records.map(({ report: _report, ...record }) => record), sampleDmarcReport().records)
    assert.equal(records[0].report.id, saved.id)
    assert.equal(records[0].report.policy, 'none')
  })

  test('a report stored again (same organization and report id) is a duplicate: nothing more is written', async (t) => {
    const { store } = await openForTest(t, open)
    const first = await store.saveDmarcReport(sampleDmarcReport())
    const again = await store.saveDmarcReport(sampleDmarcReport({ records: [] }))
    assert.deepEqual(again, { id: first.id, isDuplicate: true })
    assert.equal((await store.listDmarcRecords({})).length, 2)
    const otherOrg = await store.saveDmarcReport(sampleDmarcReport({ orgName: 'other.test' }))
    assert.equal(otherOrg.isDuplicate, false, 'the same report id from another organization is another report')
  })

  test('a report whose rows the database refuses stores nothing, not part of it', async (t) => {
    const { store } = await openForTest(t, open)
    const report = sampleDmarcReport()
    const broken = { ...report, records: [report.records[0], { ...report.records[1], count: -1 }] }
    await assert.rejects(store.saveDmarcReport(broken), { code: 'STORE_INVALID_INPUT' })
    assert.deepEqual(await store.listDmarcReports({}), [])
    assert.deepEqual(await store.listDmarcRecords({}), [])
  })

  test('lists DMARC reports by policy domain and by period', async (t) => {
    const { store } = await openForTest(t, open)
    const dayS = START_MS / 1000
    await store.saveDmarcReport(sampleDmarcReport({ reportId: 'old' }, dayS - 10 * DAY_S))
    await store.saveDmarcReport(sampleDmarcReport({ reportId: 'new' }, dayS))
    await store.saveDmarcReport(sampleDmarcReport({ reportId: 'other', policyPublished: { domain: 'other.test' } }, dayS))
    assert.deepEqual((await store.listDmarcReports({ domain: 'example.test' })).map((r) => r.reportId), ['new', 'old'])
    assert.deepEqual((await store.listDmarcReports({ sinceMs: START_MS - 2 * DAY_S * 1000 })).map((r) => r.reportId).sort(), ['new', 'other'])
    assert.deepEqual((await store.listDmarcReports({ untilMs: START_MS })).map((r) => r.reportId), ['old'])
    const records = await store.listDmarcRecords({ domain: 'example.test', sinceMs: START_MS })
    assert.deepEqual([...new Set(records.map((r) => r.report.reportId))], ['new'])
  })

  test('stores a TLS-RPT report once and lists its policy results by receiving domain', async (t) => {
    const { store } = await openForTest(t, open)
    const saved = await store.saveTlsReport(sampleTlsReport())
    assert.equal(saved.isDuplicate, false)
    assert.deepEqual(await store.saveTlsReport(sampleTlsReport()), { id: saved.id, isDuplicate: true })
    const results = await store.listTlsPolicyResults({ domain: 'example.test' })
    assert.equal(results.length, 1)
    const { report, ...policy } = results[0]
    assert.deepEqual(policy, sampleTlsReport().policies[0])
    assert.deepEqual(report, { id: saved.id, reportId: 'tls-1', organizationName: 'Receiver Inc.', dateRange: sampleTlsReport().dateRange })
    assert.deepEqual(await store.listTlsPolicyResults({ domain: 'elsewhere.test' }), [])
    assert.deepEqual(await store.listTlsPolicyResults({ sinceMs: START_MS + 2 * DAY_S * 1000 }), [])
  })
}
