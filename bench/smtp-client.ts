// `node bench/smtp-client.ts [--connections 10] [--size 10240] [--seconds 5] [--tls] [--same-thread]`:
// messages per second from the SMTP client to the loopback sink over reused connections.
//
// The sink runs in a worker thread (its own core on a two-core machine) unless --same-thread.
// Each connection sends one message per transaction (one recipient, pipelined MAIL/RCPT/DATA)
// back to back; the first second is warm-up and not counted.
// The last line is the summary, exactly:
//   smtp-client-msgs-per-s N connections C size-bytes S tls T
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { parseArgs } from 'node:util'
import { startSinkServer } from '../src/sim/index.ts'
import { openSmtpConnection, type SmtpConnection } from '../src/smtp/index.ts'

if (!isMainThread) {
  const sink = await startSinkServer({ tls: (workerData as { tls: boolean }).tls })
  parentPort!.postMessage({ host: sink.host, port: sink.port })
  parentPort!.on('message', async () => {
    await sink.close()
    parentPort!.postMessage({ received: sink.received.length })
    parentPort!.close()
  })
} else {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '10' },
      size: { type: 'string', default: '10240' },
      seconds: { type: 'string', default: '5' },
      tls: { type: 'boolean', default: false },
      'same-thread': { type: 'boolean', default: false },
    },
  })
  const connections = Number(values.connections)
  const sizeBytes = Number(values.size)
  const seconds = Number(values.seconds)

  let target: { host: string; port: number }
  let stop: () => Promise<void>
  if (values['same-thread']) {
    const sink = await startSinkServer({ tls: values.tls })
    target = sink
    stop = () => sink.close()
  } else {
    const worker = new Worker(new URL(import.meta.url), { workerData: { tls: values.tls } })
    target = await new Promise((resolve) => worker.once('message', resolve))
    stop = async () => {
      const done = new Promise((resolve) => worker.once('message', resolve))
      worker.postMessage('stop')
      await done
      await worker.terminate()
    }
  }

  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n'
  const header = 'From: bench@sender.test\r\nTo: sink@receiver.test\r\nSubject: bench\r\n\r\n'
  const message = Buffer.from(header + line.repeat(Math.max(1, Math.ceil((sizeBytes - header.length) / line.length)))).subarray(0, sizeBytes)
  const open = (): Promise<SmtpConnection> => openSmtpConnection({
    host: target.host, port: target.port, ehloName: 'bench.localhost', tls: values.tls ? 'opportunistic' : 'none',
    connectTimeoutMs: 5000, commandTimeoutMs: 10_000, dataTimeoutMs: 10_000,
  })
  const pool = await Promise.all(Array.from({ length: connections }, open))

  let counting = false
  let sent = 0
  let stopAt = Number.POSITIVE_INFINITY
  async function run(connection: SmtpConnection): Promise<void> {
    while (performance.now() < stopAt) {
      const result = await connection.send({ mailFrom: 'bench@sender.test', recipients: ['sink@receiver.test'] }, message)
      if (result.data?.code !== 250) throw new Error(`the sink refused a message: ${JSON.stringify(result)}`)
      if (counting) sent++
    }
  }
  const started = performance.now()
  stopAt = started + 1000 + seconds * 1000
  setTimeout(() => { counting = true }, 1000).unref()
  const cpuBefore = process.cpuUsage()
  let loopBefore = performance.eventLoopUtilization()
  setTimeout(() => { loopBefore = performance.eventLoopUtilization() }, 1000).unref()
  await Promise.all(pool.map(run))
  const elapsedS = (performance.now() - started - 1000) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const clientBusy = performance.eventLoopUtilization(loopBefore).utilization
  await Promise.all(pool.map((c) => c.quit()))
  await stop()
  const rate = Math.round(sent / elapsedS)
  console.log(`${sent} messages of ${sizeBytes} bytes over ${connections} connections in ${elapsedS.toFixed(2)} s; process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, client thread busy ${(clientBusy * 100).toFixed(0)}%`)
  console.log(`smtp-client-msgs-per-s ${rate} connections ${connections} size-bytes ${sizeBytes} tls ${values.tls ? 'yes' : 'no'}`)
}
