// `node bench/mta/setup.ts DATA_DIR PROFILE`: a todoku data folder ready for the MTA benchmark,
// made before the timed window: the sending domain of the harness's message
// (mail.example.test) with an RSA-2048 DKIM key (profile `dkim`), RSA-2048 + Ed25519
// (`dkim-both`) or none (`nodkim`), and an API key that may send and read the queue. Prints
// the API key's token.
import { systemClock, systemRandom } from '../../src/core/index.ts'
import { generateDkimKeys } from '../../src/dkim/index.ts'
import { openSqliteStore, type DkimKey } from '../../src/store/index.ts'

const SENDING_DOMAIN = 'mail.example.test'
const [dataDir, profile = 'dkim'] = process.argv.slice(2)
if (dataDir === undefined || !['dkim', 'dkim-both', 'nodkim'].includes(profile)) {
  process.stderr.write('usage: node bench/mta/setup.ts DATA_DIR dkim|dkim-both|nodkim\n')
  process.exit(2)
}
const keys = await generateDkimKeys(SENDING_DOMAIN, { clock: systemClock, rsaBits: 2048 })
const dkimKeys: DkimKey[] = []
if (profile !== 'nodkim') dkimKeys.push({ selector: keys.rsa.selector, algorithm: 'rsa-sha256', privateKeyPem: keys.rsa.privateKeyPem })
if (profile === 'dkim-both') dkimKeys.push({ selector: keys.ed25519.selector, algorithm: 'ed25519-sha256', privateKeyPem: keys.ed25519.privateKeyPem })
// on this thread: a one-shot script has no event loop to keep free
const store = await openSqliteStore({ path: dataDir, clock: systemClock, random: systemRandom, thread: 'main' })
try {
  await store.putDomain({ name: SENDING_DOMAIN, tenantId: 'bench', dkimKeys, requireTls: false })
  const { token } = await store.createApiKey({ tenantId: 'bench', name: 'bench', scopes: ['messages:send', 'queue:read'] })
  process.stdout.write(`${token}\n`)
} finally {
  await store.close()
}
