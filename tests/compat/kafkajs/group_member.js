#!/usr/bin/env node
// One kafkajs 2.2.4 consumer-group member process for group_tests.py (kafkajs_group).
//
//     node group_member.js '<json config>'
//
// Config keys: bootstrap, topic, group, optionally session_timeout_ms, heartbeat_ms,
// rebalance_timeout_ms. Default assigner (RoundRobinAssigner), subscribe fromBeginning,
// autoCommit off: after every batch the member commits the next offset with
// consumer.commitOffsets() (awaited). Prints the same JSON lines as ../group_member.py
// on stdout (t = monotonic seconds, comparable with Python's time.monotonic()):
// started, assigned (from the GROUP_JOIN event: `now` = whole assignment), rec, commit,
// commit_error, error, closed. A line "close" on stdin (or SIGTERM) disconnects cleanly
// (LeaveGroup) and exits 0. kafkajs's own log goes to stderr.
'use strict'

const { Kafka, logLevel } = require('kafkajs')

const cfg = JSON.parse(process.argv[2])

function mono() {
  return Number(process.hrtime.bigint()) / 1e9 // CLOCK_MONOTONIC on Linux
}

function emit(ev, fields) {
  process.stdout.write(JSON.stringify(Object.assign({ ev, t: mono() }, fields || {})) + '\n')
}

const stderrLogger = () => ({ namespace, label, log }) => {
  process.stderr.write(`${label} [${namespace}] ${JSON.stringify(log)}\n`)
}

const kafka = new Kafka({
  clientId: `compat-kafkajs-${process.pid}`,
  brokers: [cfg.bootstrap],
  logLevel: logLevel.INFO,
  logCreator: stderrLogger,
  retry: { retries: 10 },
})

const consumer = kafka.consumer({
  groupId: cfg.group,
  sessionTimeout: cfg.session_timeout_ms || 6000,
  heartbeatInterval: cfg.heartbeat_ms || 500,
  rebalanceTimeout: cfg.rebalance_timeout_ms || 20000,
  maxWaitTimeInMs: 200,
})

consumer.on(consumer.events.GROUP_JOIN, (e) => {
  const parts = ((e.payload.memberAssignment || {})[cfg.topic] || []).slice().sort((a, b) => a - b)
  emit('assigned', { parts, now: parts, member_id: e.payload.memberId, leader: e.payload.isLeader,
                     protocol: e.payload.groupProtocol })
})
consumer.on(consumer.events.CRASH, (e) => {
  emit('error', { err: `crash: ${e.payload.error && e.payload.error.message}`, restart: e.payload.restart })
})

let closing = false
async function close(code) {
  if (closing) return
  closing = true
  try {
    await consumer.disconnect()
  } catch (e) {
    emit('error', { err: `disconnect: ${e.message}` })
    code = 2
  }
  emit('closed')
  process.exit(code)
}

async function main() {
  await consumer.connect()
  await consumer.subscribe({ topics: [cfg.topic], fromBeginning: true })
  emit('started')
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, heartbeat }) => {
      if (batch.messages.length === 0) return
      let last = null
      for (const m of batch.messages) {
        emit('rec', { p: batch.partition, o: Number(m.offset),
                      k: m.key === null ? null : m.key.toString(),
                      v: m.value === null ? null : m.value.toString() })
        last = Number(m.offset)
      }
      const next = last + 1
      try {
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(next) }])
        emit('commit', { offsets: { [String(batch.partition)]: next } })
      } catch (e) {
        emit('commit_error', { err: `${e.name}: ${e.message}` })
        throw e
      }
      await heartbeat()
    },
  })
}

process.on('SIGTERM', () => close(0))
let buf = ''
process.stdin.on('data', (d) => {
  buf += d.toString()
  if (buf.split('\n').some((l) => l.trim() === 'close')) close(0)
})
process.stdin.on('end', () => close(0))

main().catch((e) => {
  emit('error', { err: `member crashed: ${e.name}: ${e.message}` })
  process.exit(3)
})
