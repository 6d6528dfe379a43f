import { test } from 'node:test'
import assert from 'node:assert/strict'
import { commandAt, commandInText } from './smtp-command.ts'

test('reads the command Postfix and Exim name after a failure', () => {
  assert.equal(commandInText('host mx.example.jp said: 550 5.1.1 User unknown (in reply to RCPT TO command)'), 'RCPT')
  assert.equal(commandInText('said: 552 Quota exceeded (in reply to end of DATA command)'), 'DATA')
  assert.equal(commandInText('SMTP error from remote mail server after MAIL FROM:<a@example.com> SIZE=1024: 550 No'), 'MAIL')
  assert.equal(commandInText('SMTP error from remote mail server after initial connection: 554 No PTR'), 'CONN')
  assert.equal(commandInText('connect to example.com[192.0.2.1]: Connection timed out'), undefined)
})

test('reads a transcript command without mistaking longer words', () => {
  assert.equal(commandAt('RCPT To:<a@example.jp>'), 'RCPT')
  assert.equal(commandAt(' DATA'), 'DATA')
  assert.equal(commandAt('database error'), undefined)
})

test('names the last command a Sendmail transcript sent, and Postfix greeting and body replies', () => {
  assert.equal(commandInText('>>> MAIL From:<a@example.com>\n<<< 250 OK\n>>> RCPT To:<b@example.jp>\n<<< 550 5.1.1 User unknown'), 'RCPT')
  assert.equal(commandInText('>>> DATA\n<<< 554 5.7.1 Rejected'), 'DATA')
  assert.equal(commandInText('host mx.example.jp refused to talk to me: 554 Go away (in reply to initial greeting)'), 'CONN')
  assert.equal(commandInText('host mx.example.jp said: 552 Message too large (in reply to message body)'), 'DATA')
})
