// Reading mails from the paths a CLI command is given: a file, `-` for stdin, a maildir or any
// directory (each file in it), an mbox file (one mail per "From " envelope line).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** One mail read, or the reason it could not be. */
export type MailInput =
  | { readonly file: string; readonly index?: number; readonly bytes: Buffer }
  | { readonly file: string; readonly error: string }

// An mbox envelope line: "From MAILER-DAEMON  Thu Apr 29 23:34:45 2015" (two spaces before a
// one-digit day are common). Requiring the time and year keeps a body line that merely starts
// with "From " (an unescaped mboxo line) from splitting a mail in two.
const MBOX_FROM_LINE = /^From \S*[ \t]+.*\d{1,2}:\d{2}(:\d{2})?.*\d{4}/

/** Reads every mail under the given paths, in order; never throws on a bad path. */
export function* readMailInputs(paths: readonly string[], readStdin: () => Buffer): Generator<MailInput> {
  for (const path of paths) {
    if (path === '-') {
      yield* splitIfMbox('-', readStdin())
      continue
    }
    let isDirectory: boolean
    try {
      isDirectory = statSync(path).isDirectory()
    } catch (error) {
      yield { file: path, error: describe(error) }
      continue
    }
    if (isDirectory) {
      yield* readDirectory(path)
      continue
    }
    yield* readOneFile(path)
  }
}

function* readOneFile(path: string): Generator<MailInput> {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    yield { file: path, error: describe(error) }
    return
  }
  yield* splitIfMbox(path, bytes)
}

/** A maildir (cur/ and new/, tmp/ skipped as in-flight) or any directory: each regular file, sorted, recursively. */
function* readDirectory(path: string): Generator<MailInput> {
  let names: string[]
  try {
    names = readdirSync(path).sort()
  } catch (error) {
    yield { file: path, error: describe(error) }
    return
  }
  const isMaildir = names.includes('cur') && names.includes('new')
  for (const name of names) {
    if (name.startsWith('.')) continue
    if (isMaildir && name === 'tmp') continue
    const child = join(path, name)
    let isDirectory: boolean
    try {
      isDirectory = statSync(child).isDirectory()
    } catch (error) {
      yield { file: child, error: describe(error) }
      continue
    }
    if (isDirectory) yield* readDirectory(child)
    else yield* readOneFile(child)
  }
}

/** Splits an mbox into its mails (mboxrd: ">From " lines lose one ">"); any other file is one mail. */
export function* splitIfMbox(file: string, bytes: Buffer): Generator<MailInput> {
  if (!(bytes[0] === 0x46 && bytes.subarray(0, 5).toString('latin1') === 'From ')) {
    yield { file, bytes }
    return
  }
  const text = bytes.toString('latin1')
  const mails: string[] = []
  let current: string[] = []
  for (const line of text.split('\n')) {
    if (MBOX_FROM_LINE.test(line)) {
      if (current.length > 0) mails.push(current.join('\n'))
      current = []
      continue
    }
    // mboxrd: ">From ", ">>From " … were escaped by adding one ">".
    current.push(/^>+From /.test(line) ? line.slice(1) : line)
  }
  if (current.length > 0) mails.push(current.join('\n'))
  if (mails.length === 0) {
    yield { file, bytes }
    return
  }
  if (mails.length === 1) {
    yield { file, bytes: Buffer.from(mails[0], 'latin1') }
    return
  }
  for (let i = 0; i < mails.length; i++) yield { file, index: i + 1, bytes: Buffer.from(mails[i], 'latin1') }
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code
  const message = (error as Error).message ?? String(error)
  if (code === 'ENOENT') return 'no such file or directory'
  if (code === 'EACCES') return 'permission denied'
  return message
}
