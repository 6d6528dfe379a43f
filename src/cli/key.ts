// `todoku key create --tenant T --name N [--scopes messages:send,messages:read]`: makes an API
// key in the data folder and prints its token, once (only its hash is stored).
import type { Command } from 'commander'
import { withDataDirStore, type DataDirOptions } from './data-dir.ts'

const DEFAULT_SCOPES = 'messages:send,messages:read'

export function registerKey(program: Command): void {
  const key = program.command('key').description('API keys (for the HTTP API and SMTP submission AUTH)')
  key
    .command('create')
    .description('create an API key and print its token (shown once)')
    .option('--tenant <id>', 'the tenant the key acts for', 'default')
    .requiredOption('--name <label>', "a label for people ('production sender')")
    .option('--scopes <list>', 'comma-separated scopes', DEFAULT_SCOPES)
    .option('--json', 'print { id, tenantId, name, scopes, token } as JSON')
    .option('-c, --config <file>', 'the TOML config file (for dataDir)')
    .option('--data-dir <dir>', 'the data folder (overrides the config)')
    .action(async (options: DataDirOptions & { tenant: string; name: string; scopes: string; json?: boolean }) => {
      const scopes = options.scopes.split(',').map((s) => s.trim()).filter((s) => s !== '')
      const created = await withDataDirStore(options, (store) => store.createApiKey({ tenantId: options.tenant, name: options.name, scopes }))
      const { apiKey, token } = created
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ id: apiKey.id, tenantId: apiKey.tenantId, name: apiKey.name, scopes: apiKey.scopes, token })}\n`)
        return
      }
      process.stdout.write(`key ${apiKey.id} (${apiKey.name}) for tenant ${apiKey.tenantId}, scopes ${apiKey.scopes.join(', ')}\n`)
      process.stdout.write(`token (shown once; keep it, e.g. as TODOKU_API_KEY):\n${token}\n`)
    })
}
