// The commands that work on a data folder directly (`key create`, `domain add`) open the same
// store `todoku serve` uses, found through the same config. SQLite's WAL and busy timeout let
// them run beside a running server.
import { loadConfig, type TodokuConfig } from '../config/index.ts'
import { systemClock, systemRandom } from '../core/index.ts'
import { openSqliteStore, type Store } from '../store/index.ts'

/** The `--config` and `--data-dir` options every such command takes. */
export interface DataDirOptions {
  readonly config?: string
  readonly dataDir?: string
}

/** Runs `use` with the store of the configured data folder, and closes it. */
export async function withDataDirStore<T>(options: DataDirOptions, use: (store: Store, config: TodokuConfig) => Promise<T>): Promise<T> {
  const env = options.dataDir === undefined ? process.env : { ...process.env, TODOKU_DATA_DIR: options.dataDir }
  const config = loadConfig({ file: options.config, env })
  const store = await openSqliteStore({ path: config.dataDir, clock: systemClock, random: systemRandom })
  try {
    return await use(store, config)
  } finally {
    await store.close()
  }
}
