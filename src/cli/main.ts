#!/usr/bin/env node
// The `todoku` command: one thin file per command, each registering itself on the program.
import { Command } from 'commander'
import { COMMANDS } from './commands.ts'

const program = new Command()
program
  .name('todoku')
  .description('todoku (届く): deliverability-first outbound email — send mail, and learn from everything that comes back')
  .version('0.1.0')
for (const register of COMMANDS) register(program)

try {
  await program.parseAsync(process.argv)
} catch (error) {
  const code = (error as { code?: string }).code
  process.stderr.write(`todoku: ${code ? `${code}: ` : ''}${(error as Error).message}\n`)
  process.exitCode = 2
}
