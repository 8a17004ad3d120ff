// node_echo.js: a Node.js WebSocket echo server on the widely used `ws`
// package, the outside reference of bench/run. Every text frame is sent back
// unchanged, as bench/echo_server does.
//
//   NODE_PATH=tests/browser/node_modules node bench/node_echo.js PORT
//
// `ws` comes from tests/browser/package.json (npm ci there).
'use strict';

const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 9001);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node node_echo.js PORT');
  process.exit(2);
}

// Same frame limit as guidechat and echo_server; no compression, like them.
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port,
  path: '/ws',
  maxPayload: 16 * 1024,
  perMessageDeflate: false,
});

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {});
});

const stop = () => wss.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
