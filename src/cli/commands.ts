import type { Command } from 'commander'
import { registerBounce } from './bounce.ts'
import { registerConfig } from './config.ts'
import { registerDmarc } from './dmarc.ts'
import { registerDomain } from './domain.ts'
import { registerKey } from './key.ts'
import { registerLint } from './lint.ts'
import { registerReply } from './reply.ts'
import { registerSend } from './send.ts'
import { registerServe } from './serve.ts'
import { registerTlsrpt } from './tlsrpt.ts'
import { registerValidate } from './validate.ts'

/** A CLI command: adds itself to the program. */
export type RegisterCommand = (program: Command) => void

/** Every command, in help order. Registered explicitly, never as an import side effect. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerBounce,
  registerConfig,
  registerDmarc,
  registerDomain,
  registerKey,
  registerLint,
  registerReply,
  registerSend,
  registerServe,
  registerTlsrpt,
  registerValidate,
]
