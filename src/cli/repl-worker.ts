// The REPL's evaluation thread. Evaluation is synchronous, so it runs here while the main thread
// keeps reading the terminal: Ctrl-C during an evaluation sets the shared interrupt flag, which the
// interpreter checks every 1024 steps and between top-level atoms (see repl.ts).

import { parentPort, workerData } from 'node:worker_threads';
import { setLogLevel } from '../core/index.js';
import type { ReplEvaluatorInput, ReplReply, ReplRequest } from './repl-evaluator.js';
import { ReplSession } from './repl-session.js';

const { options, flag, log } = workerData as ReplEvaluatorInput;
setLogLevel(log);
const session = new ReplSession(options, flag);
const port = parentPort!;

port.on('message', (request: ReplRequest) => {
  let reply: ReplReply;
  try {
    const exitCode = session.evaluate(request.text, {
      out: (text) => port.postMessage({ kind: 'out', text } satisfies ReplReply),
      err: (text) => port.postMessage({ kind: 'err', text } satisfies ReplReply),
    });
    reply = { kind: 'done', exitCode };
  } catch (e) {
    reply = { kind: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(reply);
});
