// `todoku serve [--config FILE]`: runs the HTTP API, SMTP submission and delivery (src/main.ts).
// Logs go to stdout as JSON lines; where it listens is also told on stderr, for people.
import type { Command } from 'commander'
import { runTodoku } from '../main.ts'

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run todoku: the HTTP API, SMTP submission and delivery (JSON-lines logs on stdout)')
    .option('-c, --config <file>', 'the TOML config file (see docs/config.md; TODOKU_* environment variables override it)')
    .action(async (options: { config?: string }) => {
      await runTodoku({
        configFile: options.config,
        onStarted: (running) => {
          const submission = running.submission === undefined ? 'off' : `smtp://${running.submission.host}:${running.submission.port}`
          process.stderr.write(`todoku: API ${running.api.url}, SMTP submission ${submission}, delivering to MX port ${running.config.delivery.mxPort}, data in ${running.config.dataDir}\n`)
        },
      })
    })
}
