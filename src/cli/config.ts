// `todoku config [--config FILE] [--docs]`: checks a config file (every problem listed) and
// prints the resolved config; `--docs` prints the reference generated from the schema (docs/config.md).
import type { Command } from 'commander'
import { loadConfig, renderConfigDocs } from '../config/index.ts'

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('check a config file and print the resolved config (JSON); --docs prints the reference of every key')
    .option('-c, --config <file>', 'the TOML config file')
    .option('--docs', 'print the config reference as markdown (docs/config.md)')
    .action((options: { config?: string; docs?: boolean }) => {
      if (options.docs === true) {
        process.stdout.write(renderConfigDocs())
        return
      }
      const config = loadConfig({ file: options.config, env: process.env })
      const shown = { ...config, verp: { secret: config.verp.secret === undefined ? undefined : '(set)' } }
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`)
    })
}
