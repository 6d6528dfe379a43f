import type { TestContext } from 'node:test'
import { createManualClock, createSeededRandom, type ManualClock, type Random } from '../../core/index.ts'
import type { NewMessage } from '../message-store.ts'
import type { Store } from '../store.ts'

/** Opens a fresh, empty store on the given ports. */
export type OpenStore = (deps: { clock: ManualClock; random: Random }) => Promise<Store>

/** 2025-06-15T15:06:40Z: a fixed start, so every test reads the same times. */
export const START_MS = 1_750_000_000_000

/** A fresh store on a manual clock, closed when the test ends. */
export async function openForTest(t: TestContext, open: OpenStore): Promise<{ store: Store; clock: ManualClock }> {
  const clock = createManualClock(START_MS)
  const store = await open({ clock, random: createSeededRandom(20_250_615) })
  t.after(() => store.close())
  return { store, clock }
}

const encoder = new TextEncoder()

/** A small message to `recipients`, from a configured domain. */
export function sampleMessage(recipients: readonly string[], overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    tenantId: 'tenant-a',
    mailFrom: 'news@example.test',
    sendingDomain: 'example.test',
    recipients: recipients.map((address) => ({ address })),
    content: encoder.encode('From: news@example.test\r\nSubject: conformance\r\n\r\nHello.\r\n'),
    ...overrides,
  }
}
