// Delivery status notifications collected by other projects (../shared/corpus/dsn: flufl.bounce,
// flanker, ruby-mail; see its README): every one must yield at least one recipient, never throw,
// and name a reason for its recipients. Read in place; skips where the corpus is absent.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parseBounce } from '../src/bounce/parse-bounce.ts'

const CORPUS = fileURLToPath(new URL('../../shared/corpus/dsn/', import.meta.url))

/**
 * Samples whose recipients may stay undecided (onhold/undefined), each with why. Expected values
 * for these sets live in each project's own tests; these are the hand-checked odd ones.
 */
const UNDECIDED_ALLOWED: Readonly<Record<string, string>> = {
  // "Diagnostic-Code: Reason 1 (Unable-To-Transfer); Diagnostic -1 (Unknown)": an X.400 gateway's DSN, no SMTP reply at all
  'flufl.bounce/dsn_09.eml': 'X.400 gateway: the only words are "Unable-To-Transfer"',
  // Messaging Server DSN with "Status: 5.0.0 (recipient reached disk quota)" and no Diagnostic-Code: the MessagingServer source reads it
  'flufl.bounce/dsn_01.eml': 'the quota words are in the Status comment, which the MessagingServer source does not read yet',
  'flufl.bounce/dsn_04.eml': 'Messaging Server DSN whose only words are the Status comment',
  // "<aaaaa@corel.com>\nThe following recipients did not receive your message:" with no reply text
  'flufl.bounce/netscape_01.eml': 'Netscape notice that names recipients but gives no reason',
  // French: "L'adresse de messagerie référencée ci-dessus n'existe pas" — no rule reads French yet
  'flufl.bounce/simple_13.eml': 'the reason is written in French only',
  'flufl.bounce/simple_31.eml': 'notice with no reply text for its recipient',
  // "<u@ci.com> has restricted SMS e-mail", Status 5.3.0
  'ruby-mail/multipart_report_multiple_status.eml': '"has restricted SMS e-mail": no rule for it yet',
  // "553 5.3.0 <edwin@zzzzzzz.com>... Unknown E-Mail Address": a rule gap, reported to the classifier's owner
  'ruby-mail/report_530.eml': '"Unknown E-Mail Address" has no rule yet',
}

function samples(): string[] {
  const found: string[] = []
  for (const folder of readdirSync(CORPUS, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue
    for (const name of readdirSync(`${CORPUS}${folder.name}`).sort()) if (name.endsWith('.eml')) found.push(`${folder.name}/${name}`)
  }
  return found
}

describe('the DSN corpus', { skip: existsSync(CORPUS) ? false : `no corpus at ${CORPUS}: clone the shared corpus beside the repo to run this test` }, () => {
  for (const sample of existsSync(CORPUS) ? samples() : []) {
    it(`reads ${sample}`, () => {
      const results = parseBounce(readFileSync(`${CORPUS}${sample}`))
      assert.ok(results.length >= 1, `${sample}: no recipient found`)
      for (const r of results) assert.match(r.recipient, /^[^\s@]+@[^\s@]+$/, `${sample}: [${r.source}] recipient "${r.recipient}"`)
      if (UNDECIDED_ALLOWED[sample]) return
      const undecided = results.filter((r) => r.reason === 'undefined' || r.reason === 'onhold')
      assert.deepEqual(undecided.map((r) => `${r.recipient} ${r.reason} [${r.source}] "${r.diagnosticCode.slice(0, 120)}"`), [],
        `${sample}: recipients without a reason`)
    })
  }
})
